import type { z } from 'zod';
import { InvocationError } from '../errors.js';
import { toPointer } from './issues.js';
import type { ToolContext, ToolHandler } from './types.js';

/**
 * Wraps a zod-typed handler so it receives what its type promises: the parameters parsed by the
 * zod schema (defaults, transforms and refinements applied). A refinement JSON Schema cannot
 * express fails here as INVALID_PARAMETERS.
 */
export function zodHandler(schema: z.ZodType, handler: (...args: never[]) => unknown): ToolHandler {
  // The overload signature typed `handler` as ToolHandler<z.output<schema>>; the parse proves it.
  const typed = handler as ToolHandler<unknown>;
  return (parameters: Record<string, unknown>, context: ToolContext) => {
    const parsed = schema.safeParse(parameters);
    if (!parsed.success) {
      throw new InvocationError(
        'INVALID_PARAMETERS',
        'the parameters do not match the tool schema',
        {
          details: {
            issues: parsed.error.issues.map((i) => ({
              path: toPointer(i.path),
              message: i.message,
            })),
          },
        },
      );
    }
    return typed(parsed.data, context);
  };
}
