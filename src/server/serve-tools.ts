/**
 * The served tools of a server: each tool's policies and its parameter and output validators,
 * built once at start (STYLE §8).
 */
import type { Deps } from '../deps.js';
import { compileOutputValidator, compileParametersValidator } from '../definition/index.js';
import type { ToolDefinition } from '../definition/index.js';
import { ConfigError } from '../errors.js';
import type { ServedTool } from './call-pipeline.js';
import type { InvocationObserver } from './observer.js';
import { createToolPolicies } from './policies.js';
import type { SharedState } from './shared-state.js';

/** Builds the tools' policies and validators once, at start (STYLE §8). */
export function serveTools(
  tools: readonly ToolDefinition[],
  deps: Deps,
  observer: InvocationObserver,
  shared?: SharedState,
): Map<string, ServedTool> {
  const served = new Map<string, ServedTool>();
  for (const tool of tools) {
    if (tool.handler === undefined) {
      // A manifest has no handler: it names an `endpoint:` and is served there
      // (src/definition/endpoint.ts), never by this server.
      throw new ConfigError(
        'CONFIG_INVALID',
        `createToolServer: tool "${tool.name}" has no handler (a manifest is served at its endpoint, not here); serve it from a .tool.ts module.`,
      );
    }
    const policies = createToolPolicies(tool, {
      clock: deps.clock,
      onCircuit: (state) => {
        deps.logger.warn({ tool: tool.name, circuit: state }, 'circuit state changed');
        observer.circuitChanged(tool.name, state);
      },
      shared,
    });
    served.set(tool.name, {
      tool,
      handler: tool.handler,
      validateParameters: compileParametersValidator(tool),
      validateOutput: compileOutputValidator(tool),
      policies,
    });
  }
  return served;
}
