import { describe, expect, it } from 'vitest';
import {
  GenesysConflictError,
  GenesysNotFoundError,
  GenesysUnavailableError,
  GenesysValidationError,
} from '../../src/errors.js';
import type { DesiredEntry, Registry, RemoteEntry } from '../../src/registry/index.js';
import type { ChangeEvent } from '../../src/sync/index.js';
import { applyPlan, backoffMs, isAmbiguousFailure, planSync } from '../../src/sync/index.js';

function desired(name: string, timeout = 7, contract = 'string'): DesiredEntry {
  return {
    name,
    spec: { fixed: { contract }, mutable: { timeout } },
    body: { name },
  };
}

/** An in-memory registry that records its calls and fails as scripted. */
function fakeRegistry(
  script: {
    failCreate?: (name: string, attempt: number) => Error | 'land-then-fail' | undefined;
    failUpdate?: (attempt: number) => Error | undefined;
    failRemove?: (id: string) => Error | undefined;
  } = {},
) {
  const store = new Map<string, RemoteEntry>();
  const calls: string[] = [];
  let nextId = 1;
  const createAttempts = new Map<string, number>();
  let updateAttempts = 0;
  const put = (d: DesiredEntry, id: string, version: number, name = d.name): RemoteEntry => {
    const e: RemoteEntry = {
      id,
      name,
      version,
      managed: true,
      spec: d.spec,
      status: 'published',
      endpoint: undefined,
      modifiedAt: undefined,
      fingerprint: `${id}@${version}`,
    };
    store.set(id, e);
    return e;
  };
  const unavailable = () =>
    new GenesysUnavailableError('GENESYS_UNAVAILABLE', 'dropped', { status: 0 });
  const registry: Registry = {
    target: 'data-actions',
    scope: 'category "t"',
    desired: () => {
      throw new Error('not used');
    },
    list: async () => [...store.values()],
    findManaged: async (name) => {
      calls.push(`find ${name}`);
      return [...store.values()].filter((e) => e.name === name);
    },
    get: async (id) => {
      calls.push(`get ${id}`);
      const e = store.get(id);
      if (e === undefined)
        throw new GenesysNotFoundError('GENESYS_NOT_FOUND', 'gone', { status: 404 });
      return e;
    },
    listedIds: async () => {
      calls.push('listed');
      return new Set(store.keys());
    },
    prepare: async () => {
      calls.push('prepare');
    },
    create: async (d, options = {}) => {
      const name = options.name ?? d.name;
      const attempt = (createAttempts.get(name) ?? 0) + 1;
      createAttempts.set(name, attempt);
      calls.push(`create ${name}`);
      const failure = script.failCreate?.(name, attempt);
      if (failure === 'land-then-fail') {
        put(d, `id-${nextId++}`, 1, name);
        throw unavailable();
      }
      if (failure !== undefined) throw failure;
      return { entry: put(d, `id-${nextId++}`, 1, name), correlationId: `corr-${name}` };
    },
    update: async (remote, d) => {
      updateAttempts++;
      calls.push(`update ${remote.id}@${remote.version ?? 0}`);
      const failure = script.failUpdate?.(updateAttempts);
      if (failure !== undefined) throw failure;
      return { entry: put(d, remote.id, (remote.version ?? 0) + 1), correlationId: 'c' };
    },
    remove: async (id) => {
      calls.push(`remove ${id}`);
      const failure = script.failRemove?.(id);
      // A 404 on delete means it is gone.
      if (failure instanceof GenesysNotFoundError) store.delete(id);
      if (failure !== undefined) throw failure;
      store.delete(id);
      return { correlationId: 'r' };
    },
    invoke: async () => ({ id: '', output: null }),
  };
  return { registry, store, calls, put, unavailable };
}

const opts = { target: 'data-actions', scope: 'category "t"' } as const;

describe('applyPlan', () => {
  it('re-lists after an ambiguous create failure and does not create a landed action twice', async () => {
    const f = fakeRegistry({
      failCreate: (_n, attempt) => (attempt === 1 ? 'land-then-fail' : undefined),
    });
    const events: ChangeEvent[] = [];
    const result = await applyPlan(planSync([desired('a')], [], opts), f.registry, {
      retryDelayMs: 0,
      onChange: (e) => events.push(e),
    });
    expect(f.calls).toEqual(['prepare', 'create a', 'find a', 'listed']);
    expect(f.store.size).toBe(1);
    expect(result.applied).toBe(1);
    expect(events[0]).toMatchObject({
      kind: 'create',
      outcome: 'applied',
      reconciled: true,
      remoteId: 'id-1',
    });
  });

  it('retries a create that failed before landing, after checking it is not there', async () => {
    const f = fakeRegistry({
      failCreate: (_n, attempt) =>
        attempt === 1
          ? new GenesysUnavailableError('GENESYS_UNAVAILABLE', '503', { status: 503 })
          : undefined,
    });
    await applyPlan(planSync([desired('a')], [], opts), f.registry, {
      retryDelayMs: 0,
      settleTimeoutMs: 0,
    });
    expect(f.calls).toEqual(['prepare', 'create a', 'find a', 'create a', 'listed']);
    expect(f.store.size).toBe(1);
  });

  it('does not retry a create Genesys refused as invalid', async () => {
    const f = fakeRegistry({
      failCreate: () =>
        new GenesysValidationError('GENESYS_VALIDATION', 'bad contract', { status: 400 }),
    });
    await expect(
      applyPlan(planSync([desired('a')], [], opts), f.registry, { retryDelayMs: 0 }),
    ).rejects.toMatchObject({
      code: 'SYNC_APPLY_FAILED',
      details: {
        applied: 0,
        failed: 1,
        failures: [{ name: 'a', action: 'create', code: 'GENESYS_VALIDATION' }],
      },
    });
    expect(f.calls).toEqual(['prepare', 'create a']);
  });

  it('re-reads after a 409 and retries the update once with the current version', async () => {
    const f = fakeRegistry({
      failUpdate: (n) =>
        n === 1
          ? new GenesysConflictError('GENESYS_CONFLICT', 'version', { status: 409 })
          : undefined,
    });
    const remote = f.put(desired('a'), 'id-9', 3);
    f.store.set('id-9', { ...remote, version: 4 });
    await applyPlan(planSync([desired('a', 12)], [remote], opts), f.registry, { retryDelayMs: 0 });
    expect(f.calls).toEqual(['prepare', 'update id-9@3', 'get id-9', 'update id-9@4']);
  });

  it('creates the new action before it removes the old one in a replace', async () => {
    const f = fakeRegistry();
    const remote = f.put(desired('a'), 'old', 1);
    const events: ChangeEvent[] = [];
    await applyPlan(planSync([desired('a', 7, 'integer')], [remote], opts), f.registry, {
      allowReplace: true,
      onChange: (e) => events.push(e),
    });
    // Under a temporary name (the platform may refuse two of one name), the old one removed and
    // read back as gone, then the new one renamed.
    expect(f.calls).toEqual([
      'prepare',
      'create a (replacing)',
      'remove old',
      'get old',
      'update id-1@1',
      'listed',
    ]);
    expect([...f.store.values()].map((e) => e.name)).toEqual(['a']);
    expect(events[0]).toMatchObject({ kind: 'replace', previousId: 'old', remoteId: 'id-1' });
  });

  it('refuses a replace without allowReplace before touching anything', async () => {
    const f = fakeRegistry();
    const remote = f.put(desired('a'), 'old', 1);
    await expect(
      applyPlan(planSync([desired('a', 7, 'integer'), desired('b')], [remote], opts), f.registry),
    ).rejects.toMatchObject({
      code: 'SYNC_REPLACE_NOT_ALLOWED',
      details: { tools: [{ name: 'a', id: 'old', fields: ['contract'] }] },
    });
    expect(f.calls).toEqual([]);
  });

  it('refuses a conflict with an unmanaged action before touching anything', async () => {
    const f = fakeRegistry();
    const other: RemoteEntry = { ...f.put(desired('a', 1), 'x', 1), managed: false };
    await expect(
      applyPlan(planSync([desired('a'), desired('b')], [other], opts), f.registry),
    ).rejects.toMatchObject({ code: 'SYNC_UNMANAGED_CONFLICT' });
    expect(f.calls).toEqual([]);
  });

  it('finishes the other changes when one fails, then reports the failure', async () => {
    const f = fakeRegistry({
      failCreate: (n) =>
        n === 'b'
          ? new GenesysValidationError('GENESYS_VALIDATION', 'no', { status: 400 })
          : undefined,
    });
    const error: unknown = await applyPlan(
      planSync([desired('a'), desired('b'), desired('c')], [], opts),
      f.registry,
      { concurrency: 1 },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SYNC_APPLY_FAILED', details: { applied: 2, failed: 1 } });
    expect([...f.store.values()].map((e) => e.name).sort()).toEqual(['a', 'c']);
  });

  it('treats removing an action that is already gone as done', async () => {
    const f = fakeRegistry({
      failRemove: () => new GenesysNotFoundError('GENESYS_NOT_FOUND', 'gone', { status: 404 }),
    });
    const remote = f.put(desired('a'), 'id-1', 1);
    const result = await applyPlan(planSync([], [remote], { ...opts, prune: true }), f.registry);
    expect(result.applied).toBe(1);
    expect(f.calls).toEqual(['remove id-1', 'get id-1', 'listed']);
  });

  it('stops taking new changes when aborted and says how to finish', async () => {
    const f = fakeRegistry();
    const controller = new AbortController();
    const error: unknown = await applyPlan(
      planSync([desired('a'), desired('b'), desired('c')], [], opts),
      f.registry,
      {
        concurrency: 1,
        signal: controller.signal,
        onChange: () => {
          controller.abort();
        },
      },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SYNC_ABORTED', details: { applied: 1, skipped: 2 } });
    expect(f.store.size).toBe(1);
  });
});

describe('applyPlan when onChange fails (an audit record cannot be written)', () => {
  it('records every change once, starts no new write, lets the one in flight finish, and says what was done', async () => {
    const f = fakeRegistry();
    const events: ChangeEvent[] = [];
    let inFlight = 0;
    let maxSeenAfterStop = 0;
    let stoppedAt = -1;
    const started: string[] = [];
    const slow = f.registry.create.bind(f.registry);
    f.registry.create = async (d, o) => {
      started.push(d.name);
      inFlight++;
      try {
        // Let the other worker reach its write before this one answers.
        await new Promise((resolve) => setImmediate(resolve));
        return await slow(d, o);
      } finally {
        inFlight--;
      }
    };
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const error: unknown = await applyPlan(
      planSync(
        names.map((n) => desired(n)),
        [],
        opts,
      ),
      f.registry,
      {
        concurrency: 2,
        onChange: async (e) => {
          events.push(e);
          if (stoppedAt >= 0) maxSeenAfterStop = Math.max(maxSeenAfterStop, started.length);
          if (e.name === 'a') {
            stoppedAt = started.length;
            throw new Error('EFBIG: file too large');
          }
        },
      },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SYNC_APPLY_STOPPED' });
    expect((error as Error).message).toMatch(/EFBIG: file too large/);
    expect((error as Error).message).toMatch(/2 of 6 applied \(create "a", create "b"\)/);
    // The first change stays applied (not recorded again as failed), each change has one event.
    expect(events.filter((e) => e.name === 'a')).toEqual([
      expect.objectContaining({ outcome: 'applied' }),
    ]);
    expect(new Set(events.map((e) => e.name)).size).toBe(events.length);
    expect(events.filter((e) => e.outcome === 'applied').map((e) => e.name)).toEqual(['a', 'b']);
    expect(events.filter((e) => e.outcome === 'skipped')).toHaveLength(4);
    // b was in flight when a's record failed; nothing started after.
    expect(stoppedAt).toBe(2);
    expect(f.calls.filter((c) => c.startsWith('create'))).toEqual(['create a', 'create b']);
    expect(maxSeenAfterStop).toBe(2);
    expect(inFlight).toBe(0);
    expect(f.store.size).toBe(2);
  });
});

describe('retry decisions', () => {
  it.each([
    [new GenesysUnavailableError('GENESYS_UNAVAILABLE', 'x', { status: 503 }), true],
    [new GenesysConflictError('GENESYS_CONFLICT', 'x', { status: 409 }), false],
    [new GenesysValidationError('GENESYS_VALIDATION', 'x', { status: 400 }), false],
    [new Error('x'), false],
  ])('classifies %s as ambiguous: %s', (error, expected) => {
    expect(isAmbiguousFailure(error)).toBe(expected);
  });

  it.each([
    [1, 100, 100],
    [2, 100, 200],
    [5, 100, 1600],
    [9, 100, 1600],
  ])('waits attempt %i × base %i = %i ms', (attempt, base, expected) => {
    expect(backoffMs(attempt, base)).toBe(expected);
  });
});
