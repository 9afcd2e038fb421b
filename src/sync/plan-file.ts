/**
 * Saved plans (`plan --out FILE`, `apply --plan FILE`): the plan as JSON, read back with a schema,
 * and refused when the remote state changed since (SYNC_PLAN_STALE).
 */
import { z } from 'zod';
import type { TargetName } from '../definition/index.js';
import { SyncError } from '../errors.js';
import type { RemoteEntry } from '../registry/index.js';
import type { Change, Plan } from './plan.js';
import { remoteFingerprint } from './plan.js';

const FORMAT_VERSION = 2;

const json = z.json();
const jsonObject = z.record(z.string(), json);
const spec = z.strictObject({
  fixed: jsonObject,
  mutable: jsonObject,
  descriptions: z.strictObject({ tool: z.string(), fields: z.string() }).optional(),
});
const drift = z.strictObject({ tool: z.boolean(), fields: z.boolean() }).optional();
const desired = z.strictObject({
  name: z.string(),
  spec,
  body: z.record(z.string(), z.unknown()),
});
const remote = z.strictObject({
  id: z.string(),
  name: z.string(),
  version: z.number().optional(),
  managed: z.boolean(),
  spec,
  status: z.string().optional(),
  endpoint: z.string().optional(),
  modifiedAt: z.string().optional(),
  fingerprint: z.string(),
});
const fieldDiff = z.strictObject({
  path: z.string(),
  before: json.optional(),
  after: json.optional(),
});
/** The fields an update and a replace share. */
const changed = {
  name: z.string(),
  remote,
  desired,
  diff: z.array(fieldDiff),
  adopt: z.boolean(),
};
const change = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('create'), name: z.string(), desired }),
  z.strictObject({ kind: z.literal('update'), ...changed, descriptions: drift }),
  z.strictObject({ kind: z.literal('replace'), ...changed }),
  z.strictObject({
    kind: z.literal('delete'),
    name: z.string(),
    remote,
    reason: z.enum(['prune', 'duplicate', 'destroy']),
  }),
  z.strictObject({ kind: z.literal('conflict'), name: z.string(), remote, desired }),
  z.strictObject({
    kind: z.literal('unchanged'),
    name: z.string(),
    remote,
    notInFiles: z.literal(true).optional(),
    descriptions: drift,
  }),
]);

const PlanFileSchema = z.strictObject({
  formatVersion: z.literal(FORMAT_VERSION),
  target: z.enum(['data-actions', 'gateway']),
  scope: z.string(),
  fingerprint: z.string(),
  /** The desired tool names; apply re-lists with them to check the fingerprint. */
  names: z.array(z.string()),
  changes: z.array(change),
});

/** A saved plan: the plan and the names it was listed with. */
export interface SavedPlan {
  readonly plan: Plan;
  readonly names: readonly string[];
}

/** The plan file's text (JSON, `undefined` fields dropped). */
export function serialisePlan(plan: Plan, names: readonly string[]): string {
  return `${JSON.stringify(
    {
      formatVersion: FORMAT_VERSION,
      target: plan.target,
      scope: plan.scope,
      fingerprint: plan.fingerprint,
      names,
      changes: plan.changes,
    },
    null,
    2,
  )}\n`;
}

// zod's optional output is `T | undefined`, which is what RemoteEntry's fields are.
function toRemote(r: z.output<typeof remote>): RemoteEntry {
  return {
    id: r.id,
    name: r.name,
    version: r.version,
    managed: r.managed,
    spec: r.spec,
    status: r.status,
    endpoint: r.endpoint,
    modifiedAt: r.modifiedAt,
    fingerprint: r.fingerprint,
  };
}

function toChange(c: z.output<typeof change>): Change {
  switch (c.kind) {
    case 'create':
      return c;
    case 'update':
    case 'replace':
      return {
        ...c,
        remote: toRemote(c.remote),
        diff: c.diff.map((d) => ({
          path: d.path,
          ...(d.before === undefined ? {} : { before: d.before }),
          ...(d.after === undefined ? {} : { after: d.after }),
        })),
      };
    case 'delete':
    case 'conflict':
      return { ...c, remote: toRemote(c.remote) };
    case 'unchanged': {
      const { notInFiles, ...rest } = c;
      return {
        ...rest,
        remote: toRemote(c.remote),
        ...(notInFiles === undefined ? {} : { notInFiles }),
      };
    }
  }
}

/**
 * Reads a plan file's text.
 * @throws SyncError SYNC_PLAN_FILE_INVALID when it is not JSON or not a plan of this format.
 */
export function parsePlanFile(text: string, file: string): SavedPlan {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new SyncError(
      'SYNC_PLAN_FILE_INVALID',
      `${file} is not JSON; create it again with plan --out`,
      {
        cause,
      },
    );
  }
  const parsed = PlanFileSchema.safeParse(data);
  if (!parsed.success) {
    const where = parsed.error.issues.slice(0, 3).map((i) => `/${i.path.join('/')}: ${i.message}`);
    throw new SyncError(
      'SYNC_PLAN_FILE_INVALID',
      `${file} is not a genesys-tools plan (${where.join('; ')}); create it again with plan --out`,
      { details: { file } },
    );
  }
  const p = parsed.data;
  const target: TargetName = p.target;
  return {
    plan: { target, scope: p.scope, fingerprint: p.fingerprint, changes: p.changes.map(toChange) },
    names: p.names,
  };
}

/**
 * Refuses a saved plan when the remote state it was made from has changed.
 * @throws SyncError SYNC_PLAN_STALE
 */
export function assertPlanFresh(saved: SavedPlan, remoteNow: readonly RemoteEntry[]): void {
  const now = remoteFingerprint(remoteNow);
  if (now !== saved.plan.fingerprint) {
    throw new SyncError(
      'SYNC_PLAN_STALE',
      `the org changed since the plan was made (${saved.plan.scope}); nothing was changed. Run plan again and apply the new plan.`,
      { details: { planned: saved.plan.fingerprint, now } },
    );
  }
}
