/**
 * The `definition` of an agentic virtual agent version (reference §6.2): kept as given; only
 * `DataAction` tools and `DataActionHttpError` types are checked, every other tool type, type
 * and key passes through untouched.
 */
import { z } from 'zod';

const DataActionToolSchema = z.looseObject({
  type: z.literal('DataAction'),
  name: z.string().min(1),
  description: z.string(),
  target: z.looseObject({ id: z.string().min(1) }),
  errors: z
    .array(z.strictObject({ type: z.string().min(1), instruction: z.string().optional() }))
    .optional(),
});

const HttpErrorTypeSchema = z.looseObject({
  name: z.string().min(1),
  type: z.literal('DataActionHttpError'),
  statusCodes: z.array(z.number().int().min(100).max(599)).min(1),
  defaultInstruction: z.string().optional(),
  description: z.string().optional(),
});

// Checks `schema` only on entries whose `type` is `kind`; issues keep the entry's path.
function checkedWhen(
  base: z.ZodObject,
  kind: string,
  schema: z.ZodType,
): z.ZodType<Record<string, unknown>> {
  return base.superRefine((entry, refine) => {
    if (entry['type'] !== kind) return;
    const parsed = schema.safeParse(entry);
    if (parsed.success) return;
    for (const issue of parsed.error.issues) {
      refine.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
  });
}

const ToolSchema = checkedWhen(
  z.looseObject({ type: z.string().min(1) }),
  'DataAction',
  DataActionToolSchema,
);
const TypeSchema = checkedWhen(
  z.looseObject({ name: z.string().min(1), type: z.string().optional() }),
  'DataActionHttpError',
  HttpErrorTypeSchema,
);

/** A version's `definition` (reference §6.2); keys not named here are kept as given. */
export const DefinitionSchema = z
  .looseObject({
    role: z.string().optional(),
    instructions: z.array(z.string()).optional(),
    tools: z.array(ToolSchema).optional(),
    types: z.array(TypeSchema).optional(),
  })
  .superRefine((definition, refine) => {
    // A tool's errors[].type names a DataActionHttpError type of the same definition.
    const declared = new Set(
      (definition.types ?? []).flatMap((t) =>
        t['type'] === 'DataActionHttpError' && typeof t['name'] === 'string' ? [t['name']] : [],
      ),
    );
    (definition.tools ?? []).forEach((tool, i) => {
      const parsed = DataActionToolSchema.safeParse(tool);
      if (!parsed.success) return;
      (parsed.data.errors ?? []).forEach((error, j) => {
        if (declared.has(error.type)) return;
        refine.addIssue({
          code: 'custom',
          path: ['tools', i, 'errors', j, 'type'],
          message: `"${error.type}" names no DataActionHttpError type in definition.types`,
        });
      });
    });
  });

const ToolTargetSchema = z.looseObject({
  type: z.literal('DataAction'),
  target: z.looseObject({ id: z.string() }),
});

/** The data action ids a definition's `DataAction` tools target, in order. Pure. */
export function agentActionIds(definition: Readonly<Record<string, unknown>>): readonly string[] {
  const tools = definition['tools'];
  if (!Array.isArray(tools)) return [];
  return tools.flatMap((tool: unknown) => {
    const parsed = ToolTargetSchema.safeParse(tool);
    return parsed.success ? [parsed.data.target.id] : [];
  });
}
