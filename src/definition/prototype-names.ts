/**
 * Parameter names that every JavaScript object already has (issue 14 item 10). A parameter named
 * `toString` or `constructor` is "present" in `{}` for any check that reads `params[name]` (zod's
 * object parsing, Ajv without `ownProperties`, a handler's destructuring), and `__proto__` cannot
 * be sent at all: the server's JSON parser refuses it as prototype poisoning. Such names are
 * refused for every target, at any depth of the parameters schema. Pure: schema in, issues out.
 */
import type { SchemaNode } from './capability-matrix.js';
import type { DefinitionIssue } from './issues.js';
import { issue, pointerToken } from './issues.js';
import { isPlainObject } from './to-json-schema.js';

/** `constructor`, `toString`, `valueOf`, `hasOwnProperty`, `__proto__`... as this runtime has them. */
export const PROTOTYPE_NAMES: ReadonlySet<string> = new Set(
  Object.getOwnPropertyNames(Object.prototype),
);

function reservedIssue(pointer: string, name: string): DefinitionIssue {
  return issue(
    'DEFINITION_RESERVED_NAME',
    pointer,
    `parameter name "${name}" is a member of every JavaScript object (Object.prototype): an empty call would look as if it carried it`,
    'rename the parameter',
  );
}

/** Property names of one node (in `properties` and `required`) that are Object.prototype members. */
export function prototypeNameIssues({ node, pointer }: SchemaNode): DefinitionIssue[] {
  const out: DefinitionIssue[] = [];
  const props = node['properties'];
  const declared = isPlainObject(props) ? Object.keys(props) : [];
  for (const name of declared) {
    if (PROTOTYPE_NAMES.has(name)) {
      out.push(reservedIssue(`${pointer}/properties/${pointerToken(name)}`, name));
    }
  }
  const required = node['required'];
  if (Array.isArray(required)) {
    required.forEach((name, i) => {
      if (typeof name === 'string' && PROTOTYPE_NAMES.has(name) && !declared.includes(name)) {
        out.push(reservedIssue(`${pointer}/required/${i}`, name));
      }
    });
  }
  return out;
}
