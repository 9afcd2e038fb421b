/**
 * The `guides:` and `agents:` sections of the config file (issue 13): the AI Guides and agentic
 * virtual agents that use the tools. Shapes only; the checks that need the tools (known names,
 * labels, guide limits) are the bindings room's. A leaf beside `config.ts`.
 */
import { resolve } from 'node:path';
import { z } from 'zod';

// One of name/id names the guide or agent.
const targetRef = {
  /** Matched exactly; two with the name is an error that asks for `id`. */
  name: z.string().min(1).optional(),
  /** Pins one guide or agent. */
  id: z.string().min(1).optional(),
};
const oneOfNameOrId = (t: { name?: string | undefined; id?: string | undefined }): boolean =>
  t.name !== undefined || t.id !== undefined;
const NAME_OR_ID = { message: 'give name or id' };

const GuideToolSchema = z.strictObject({
  tool: z.string().min(1),
  /** `{{Action.<label>}}` in the instruction; default: the tool name in PascalCase. */
  label: z.string().min(1).optional(),
  /** What the guide reads about the action; default: the tool's description. */
  description: z.string().min(1).optional(),
});

/** A guide entry of the config file. */
export const GuideConfigSchema = z
  .strictObject({
    ...targetRef,
    tools: z.array(GuideToolSchema),
    /** Path of the instruction text, relative to the config file; owned here when given. */
    instruction: z.string().min(1).optional(),
  })
  .refine(oneOfNameOrId, NAME_OR_ID);

const AgentToolErrorSchema = z.strictObject({
  /** HTTP status code(s) of the tool's error reply. */
  status: z.union([
    z.number().int().min(100).max(599),
    z.array(z.number().int().min(100).max(599)).min(1),
  ]),
  /** What the model is told to do when the tool answers that status. */
  instruction: z.string().min(1),
});

const AgentToolSchema = z.strictObject({
  tool: z.string().min(1),
  /** What the model reads about the tool; default: the tool's description. */
  description: z.string().min(1).optional(),
  errors: z.array(AgentToolErrorSchema).optional(),
});

/** An agent entry of the config file. */
export const AgentConfigSchema = z
  .strictObject({ ...targetRef, tools: z.array(AgentToolSchema) })
  .refine(oneOfNameOrId, NAME_OR_ID);

/** A guide of the config file; `instruction` is an absolute path once loaded. */
export interface GuideConfig {
  readonly name: string | undefined;
  readonly id: string | undefined;
  readonly tools: readonly {
    readonly tool: string;
    readonly label: string | undefined;
    readonly description: string | undefined;
  }[];
  readonly instruction: string | undefined;
}

/** An agent of the config file; `status` is always a list once loaded. */
export interface AgentConfig {
  readonly name: string | undefined;
  readonly id: string | undefined;
  readonly tools: readonly {
    readonly tool: string;
    readonly description: string | undefined;
    readonly errors: readonly {
      readonly status: readonly number[];
      readonly instruction: string;
    }[];
  }[];
}

/** A parsed guide entry, frozen, with the instruction path resolved against `dir`. */
export function toGuideConfig(g: z.output<typeof GuideConfigSchema>, dir: string): GuideConfig {
  return Object.freeze({
    name: g.name,
    id: g.id,
    tools: Object.freeze(
      g.tools.map((t) =>
        Object.freeze({ tool: t.tool, label: t.label, description: t.description }),
      ),
    ),
    instruction: g.instruction === undefined ? undefined : resolve(dir, g.instruction),
  });
}

/** A parsed agent entry, frozen, with each error status as a list. */
export function toAgentConfig(a: z.output<typeof AgentConfigSchema>): AgentConfig {
  return Object.freeze({
    name: a.name,
    id: a.id,
    tools: Object.freeze(
      a.tools.map((t) =>
        Object.freeze({
          tool: t.tool,
          description: t.description,
          errors: Object.freeze(
            (t.errors ?? []).map((e) =>
              Object.freeze({
                status: Object.freeze(typeof e.status === 'number' ? [e.status] : [...e.status]),
                instruction: e.instruction,
              }),
            ),
          ),
        }),
      ),
    ),
  });
}
