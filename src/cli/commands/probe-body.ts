/**
 * The scratch action of `doctor --probe`: built by the same translation `apply` uses
 * (`toDataAction`), so what the probe learns about the platform holds for the project's actions.
 */
import { z } from 'zod';
import { defineTool } from '../../definition/index.js';
import type { DataActionBody } from '../../registry/index.js';
import { toDataAction, toolEndpoint } from '../../registry/index.js';

/** The dedicated scratch integration: created by the probe, deleted at its end. */
export const PROBE_INTEGRATION_NAME = 'genesys-tools-probe';
/** The scratch category; nothing of the user's is in it. */
export const PROBE_CATEGORY = 'genesys-tools-probe';
/** Where the scratch action points when no execution URL is configured (never resolves). */
export const PROBE_FALLBACK_URL = 'https://example.invalid/probe';

/** `genesys_tools_probe_<suffix>`: a valid tool name, unique per run. */
export function probeActionName(suffix: string): string {
  return `genesys_tools_probe_${suffix}`;
}

/**
 * The scratch action: one string input, a POST to the execution URL with the templates inline,
 * the request template `apply` writes (its envelope around `${input.rawRequest}`). The credential
 * header is left out: the scratch integration has no credential.
 */
export function probeActionBody(options: {
  readonly name: string;
  readonly integrationId: string;
  readonly executionUrl: string | undefined;
}): DataActionBody {
  const tool = defineTool({
    name: options.name,
    description: 'Scratch action of genesys-tools doctor --probe; it deletes it when it ends',
    input: z.object({ text: z.string().max(200).describe('Any text; the probe sends one value') }),
    output: z.object({ ok: z.boolean() }),
  });
  const body = toDataAction(tool, {
    executionUrl: options.executionUrl ?? PROBE_FALLBACK_URL,
    category: PROBE_CATEGORY,
    integrationId: options.integrationId,
  });
  return {
    ...body,
    config: {
      ...body.config,
      request: {
        ...body.config.request,
        requestUrlTemplate:
          options.executionUrl === undefined
            ? PROBE_FALLBACK_URL
            : toolEndpoint(options.executionUrl, options.name),
        headers: { 'Content-Type': 'application/json' },
      },
    },
  };
}

/** The same action with its one input typed as a list (`["string", "null"]`), under `name`. */
export function withTypeListInput(body: DataActionBody, name: string): DataActionBody {
  const schema = body.contract.input.inputSchema;
  const properties = schema['properties'];
  const text =
    typeof properties === 'object' && properties !== null && 'text' in properties
      ? properties.text
      : {};
  return {
    ...body,
    name,
    contract: {
      ...body.contract,
      input: {
        inputSchema: {
          ...schema,
          properties: {
            text: {
              ...(typeof text === 'object' && text !== null ? text : {}),
              type: ['string', 'null'],
            },
          },
        },
      },
    },
  };
}
