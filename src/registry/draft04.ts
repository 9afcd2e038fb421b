/**
 * Canonical JSON Schema 2020-12 → the draft-04-style schemas Genesys contracts use (reference §7.3:
 * draft-04 keywords, `$schema`/2020-12 features treated as unsupported).
 */
import type { JsonSchema } from '../definition/index.js';
import { isRecord } from '../is-record.js';

// zod's `.int()` adds the safe-integer bounds (STYLE §13); they say nothing a contract needs.
const SAFE_MAX = Number.MAX_SAFE_INTEGER;

const DROPPED = new Set([
  '$schema',
  '$id',
  '$comment',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
]);

function convertMap(value: unknown): unknown {
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convertNode(v)]));
}

function convertNode(node: unknown): unknown {
  if (!isRecord(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED.has(key)) continue;
    switch (key) {
      case 'properties':
      case 'patternProperties':
        out[key] = convertMap(value);
        break;
      case 'items':
      case 'additionalProperties':
      case 'not':
        out[key] = convertNode(value);
        break;
      case 'anyOf':
      case 'oneOf':
      case 'allOf':
        out[key] = Array.isArray(value) ? value.map(convertNode) : value;
        break;
      case 'const':
        out.enum = [value];
        break;
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        // 2020-12 numbers become draft-04's boolean flag next to minimum/maximum.
        if (typeof value === 'number') {
          out[key === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = value;
          out[key] = true;
        }
        break;
      case 'minimum':
      case 'maximum':
        if (!(typeof value === 'number' && Math.abs(value) === SAFE_MAX)) out[key] = value;
        break;
      default:
        out[key] = value;
    }
  }
  return out;
}

/** Converts a canonical 2020-12 schema to the draft-04 style of Genesys contracts. */
export function toDraft04(schema: JsonSchema): Record<string, unknown> {
  const converted = convertNode(schema);
  return isRecord(converted) ? converted : {};
}
