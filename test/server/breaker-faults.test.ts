/**
 * Issue 14 §3: the breaker counts only the tool's faults. A caller's bad parameters (a zod
 * `.refine`), a caller that hangs up, and errors from another copy of errors.ts must not open a
 * tool's circuit for everyone, nor answer 500.
 */
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../src/definition/index.js';
import * as OwnErrors from '../../src/errors.js';
import { createToolServer } from '../../src/server/index.js';
import {
  TOKEN,
  invoke,
  recordingLogger,
  recordingObserver,
  server,
  tool,
  wire,
} from './helpers.js';

function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('the breaker counts only tool faults', () => {
  it('stays closed after five 422s from a zod .refine, and the next valid call succeeds', async () => {
    const refined = defineTool({
      name: 'check_inventory',
      description: 'Checks inventory levels for a SKU',
      input: z.object({ sku: z.string().refine((s) => s.startsWith('S'), 'must start with S') }),
      circuitBreaker: { consecutiveFailures: 5, halfOpenAfterMs: 30_000 },
      handler: ({ sku }) => ({ sku }),
    });
    const observer = recordingObserver();
    const app = await server({ tools: [refined], observer });
    for (let i = 0; i < 5; i++) {
      const res = await invoke(app, { sku: 'X-1' });
      expect(res.statusCode).toBe(422);
      expect(wire(res).error_code).toBe('INVALID_PARAMETERS');
    }
    const ok = await invoke(app, { sku: 'S-1' });
    expect(ok.statusCode).toBe(200);
    expect(observer.circuits).toEqual([]);
  });

  it('does not count 4xx errors a handler throws itself', async () => {
    const foreign = Object.assign(new Error('sku must be upper case'), {
      [Symbol.for('genesys-tools.error')]: true,
      code: 'INVALID_PARAMETERS',
    });
    const app = await server({
      tools: [
        tool({
          circuitBreaker: { consecutiveFailures: 1, halfOpenAfterMs: 30_000 },
          handler: (p) => {
            if (p['sku'] === 'bad') throw foreign;
            return { ok: true };
          },
        }),
      ],
    });
    expect((await invoke(app, { sku: 'bad' })).statusCode).toBe(422);
    expect((await invoke(app, { sku: 'bad' })).statusCode).toBe(422);
    expect((await invoke(app)).statusCode).toBe(200);
  });

  it('is not opened by three callers hanging up, which are recorded as CALLER_GONE', async () => {
    let started = deferred();
    const observer = recordingObserver();
    const logger = recordingLogger();
    const app = await createToolServer(
      {
        observer,
        auth: { bearerTokens: [TOKEN] },
        tools: [
          tool({
            timeoutMs: 60_000,
            circuitBreaker: { consecutiveFailures: 3, halfOpenAfterMs: 30_000 },
            handler: (p, ctx) => {
              if (p['sku'] === 'fast') return { ok: true };
              started.resolve();
              return new Promise((_resolve, reject) => {
                ctx.signal.addEventListener('abort', () => {
                  reject(new Error('aborted by signal'));
                });
              });
            },
          }),
        ],
      },
      { logger },
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    onTestFinished(async () => {
      await app.close();
    });
    const { port } = app.server.address() as AddressInfo;
    const body = JSON.stringify({ tool_name: 'check_inventory', parameters: { sku: 'slow' } });
    for (let i = 0; i < 3; i++) {
      started = deferred();
      const ended = new Promise<void>((resolve) => {
        const before = observer.ended.length;
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(
            `POST /api/v1/tools/check_inventory HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
          );
        });
        void started.promise.then(() => {
          socket.destroy();
          const poll = (): void => {
            if (observer.ended.length > before) resolve();
            else setImmediate(poll);
          };
          poll();
        });
      });
      await ended;
    }
    expect(observer.ended.map((e) => [e.errorCode, e.httpStatus])).toEqual([
      ['CALLER_GONE', 499],
      ['CALLER_GONE', 499],
      ['CALLER_GONE', 499],
    ]);
    expect(observer.circuits).toEqual([]);
    const summaries = logger.lines.filter((l) => l.msg === 'invocation');
    expect(summaries.map((l) => l.fields['errorCode'])).toEqual([
      'CALLER_GONE',
      'CALLER_GONE',
      'CALLER_GONE',
    ]);
    expect(logger.lines.some((l) => l.msg === 'tool handler failed')).toBe(false);
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/tools/check_inventory`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tool_name: 'check_inventory', parameters: { sku: 'fast' } }),
    });
    expect(res.status).toBe(200);
  });
});

describe('errors from another copy of errors.ts', () => {
  it('answers 422 for an InvocationError made by a second copy of the module', async () => {
    // A query string makes vitest load errors.ts a second time, as tsx does for a tool's import.
    const specifier = '../../src/errors.ts?second-copy';
    const loaded: unknown = await import(/* @vite-ignore */ specifier);
    if (typeof loaded !== 'object' || loaded === null || !('InvocationError' in loaded)) {
      throw new Error('the second copy of errors.ts did not load');
    }
    const copy = loaded as typeof OwnErrors;
    expect(copy.InvocationError).not.toBe(OwnErrors.InvocationError);
    const app = await server({
      tools: [
        tool({
          handler: () => {
            throw new copy.InvocationError('INVALID_PARAMETERS', 'sku must start with S', {
              details: { issues: [{ path: '/sku', message: 'must start with S' }] },
            });
          },
        }),
      ],
    });
    const res = await invoke(app);
    expect(res.statusCode).toBe(422);
    expect(wire(res)).toMatchObject({
      error_code: 'INVALID_PARAMETERS',
      details: [{ path: '/sku', message: 'must start with S' }],
    });
  });

  it('answers 422 for a branded error object with an invocation code', async () => {
    const branded = Object.assign(new Error('quantity must be even'), {
      [Symbol.for('genesys-tools.error')]: true,
      code: 'INVALID_PARAMETERS',
    });
    const app = await server({ tools: [tool({ handler: () => Promise.reject(branded) })] });
    const res = await invoke(app);
    expect(res.statusCode).toBe(422);
    expect(wire(res).message).toBe('quantity must be even');
  });
});
