/**
 * Metric and span attribute names (declared once, STYLE §11) and the functions that keep label
 * values inside bounded sets: served tool names, error codes, HTTP methods, route templates.
 * Never an id (DESIGN "Telemetry and audit").
 */

/** Attribute names: OpenTelemetry semantic conventions where one exists. */
export const ATTR = {
  tool: 'gen_ai.tool.name',
  operation: 'gen_ai.operation.name',
  errorType: 'error.type',
  method: 'http.request.method',
  route: 'http.route',
  status: 'http.response.status_code',
  invocationId: 'genesys_tools.invocation.id',
  outcome: 'genesys_tools.outcome',
  circuitState: 'genesys_tools.circuit.state',
  /** The face a call came through: `http` (the invocation route) or `mcp` (issue 17). */
  protocol: 'genesys_tools.protocol',
} as const;

/** The label value of calls to a tool that is not served. */
export const UNKNOWN_TOOL = '_unknown';
/** The label value of an error code or method outside the bounded set. */
export const OTHER = '_OTHER';

const ERROR_CODE = /^[A-Z][A-Z0-9_]{1,63}$/;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_ROUTE = 128;

/** The tool label: the name when it is served, else UNKNOWN_TOOL. Pure. */
export function toolLabel(name: string | undefined, served: ReadonlySet<string>): string {
  return name !== undefined && served.has(name) ? name : UNKNOWN_TOOL;
}

const PROTOCOLS = new Set(['http', 'mcp']);

/** The protocol label: `http` or `mcp`; `http` when not given (older observers' callers). Pure. */
export function protocolLabel(protocol: string | undefined): string {
  if (protocol === undefined) return 'http';
  return PROTOCOLS.has(protocol) ? protocol : OTHER;
}

/** An error code as a label value: codes are SCREAMING_SNAKE; anything else is OTHER. Pure. */
export function errorLabel(code: string | undefined): string {
  return code !== undefined && ERROR_CODE.test(code) ? code : OTHER;
}

/** An HTTP method as a label value (upper case, known methods only). Pure. */
export function methodLabel(method: string): string {
  const upper = method.toUpperCase();
  return METHODS.has(upper) ? upper : OTHER;
}

/**
 * A route template as a label value. The client passes templates; as a guard, segments that look
 * like ids (UUIDs, numbers, long tokens) become `{id}` and the query string is dropped. Pure.
 */
export function routeLabel(route: string): string {
  const path = route.split('?')[0] ?? '';
  const segments = path
    .split('/')
    .map((s) => (UUID.test(s) || /^\d+$/.test(s) || s.length > 40 ? '{id}' : s));
  const out = segments.join('/');
  return out.length > MAX_ROUTE ? out.slice(0, MAX_ROUTE) : out;
}

/** The numeric value of a breaker state in the circuit gauge. */
export const CIRCUIT_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;
