/**
 * A tool's `endpoint` (issue 15 item 10): where a tool that `serve` does not run (a YAML/JSON
 * manifest has no handler) is served. Its registration calls this URL instead of
 * `{executionUrl}/api/v1/tools/{name}`, with the same envelope and the same bearer credential.
 */
import { isLoopbackHost } from '../loopback.js';
import type { DefinitionIssue } from './issues.js';
import { issue } from './issues.js';
import type { ToolDefinition } from './types.js';

/** Characters Velocity reads in a data action's `requestUrlTemplate` (reference §8.1). */
const VELOCITY_CHARACTERS = /[$#]/;

function invalid(message: string): DefinitionIssue {
  return issue('DEFINITION_INVALID_ENDPOINT', '/endpoint', message);
}

/** Problems of an endpoint URL as written, none when it is a usable one. Pure. */
function urlProblem(endpoint: string): string | undefined {
  if (!URL.canParse(endpoint)) {
    return `endpoint ${JSON.stringify(endpoint)} is not an absolute URL`;
  }
  const url = new URL(endpoint);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `endpoint ${JSON.stringify(endpoint)} is not an https:// URL`;
  }
  // The data action sends the execution server's bearer token with every call.
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return `endpoint ${JSON.stringify(endpoint)} is http:// to a host other than loopback: the bearer token would travel in clear text; use https:// (http:// is accepted only for localhost and 127.0.0.1)`;
  }
  if (url.username !== '' || url.password !== '') {
    return 'endpoint carries a user name or password; give credentials through the integration credential, not the URL';
  }
  if (VELOCITY_CHARACTERS.test(endpoint)) {
    return `endpoint ${JSON.stringify(endpoint)} contains "$" or "#": Genesys renders the request URL as a Velocity template`;
  }
  return undefined;
}

/**
 * The problems of a tool's `endpoint` as `buildTool` sees it: a malformed or insecure URL, or an
 * endpoint on a tool that has a handler (that tool is served by `serve`, one place to run it).
 */
export function endpointIssues(
  endpoint: string | undefined,
  hasHandler: boolean,
): DefinitionIssue[] {
  if (endpoint === undefined) return [];
  if (hasHandler) {
    return [
      issue(
        'DEFINITION_INVALID_ENDPOINT',
        '/endpoint',
        'a tool with a handler is run by `serve` and registered at the execution URL; an endpoint is for tools served elsewhere (manifests)',
        'drop `endpoint`, or drop the handler and serve the tool at that endpoint',
      ),
    ];
  }
  const problem = urlProblem(endpoint);
  return problem === undefined ? [] : [invalid(problem)];
}

/**
 * The registration problem of a tool that nothing here serves: no handler and no endpoint, so
 * its data action (or gateway tool) would call `serve`, which can only answer 404 for it. Pure.
 */
export function missingEndpointIssue(tool: ToolDefinition): DefinitionIssue | undefined {
  if (tool.handler !== undefined || tool.endpoint !== undefined) return undefined;
  return issue(
    'DEFINITION_NO_ENDPOINT',
    '/endpoint',
    `tool "${tool.name}" has no handler and no endpoint: serve cannot run it, so a registration pointing at the execution server could only answer 404`,
  );
}
