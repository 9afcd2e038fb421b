import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

/** One scripted answer. `hang` never answers; `drop` destroys the socket. */
export type ScriptedAnswer =
  | {
      readonly status: number;
      readonly body?: unknown;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | { readonly hang: true }
  | { readonly drop: true };

/** A request the server received. */
export interface ReceivedCall {
  readonly method: string;
  readonly url: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** Decides the answer for a call; `n` counts calls to the same handler from 0. */
export type Handler = (call: ReceivedCall, n: number) => ScriptedAnswer;

export interface ScriptServer {
  readonly url: string;
  readonly calls: ReceivedCall[];
  /** Calls other than the token endpoint. */
  apiCalls(): ReceivedCall[];
  tokenCalls(): ReceivedCall[];
}

/** Answers a token for every token request, counting them. */
export const TOKEN_ANSWER = (n: number, expiresIn = 3600): ScriptedAnswer => ({
  status: 200,
  body: { access_token: `token-${n + 1}`, token_type: 'bearer', expires_in: expiresIn },
});

/**
 * A hand-made server on 127.0.0.1:0: `/oauth/token` answers `token` (default: a fresh token per
 * request), everything else `api`. Closed when the test finishes.
 */
export async function startScriptServer(
  api: Handler,
  token: Handler = (_, n) => TOKEN_ANSWER(n),
): Promise<ScriptServer> {
  const calls: ReceivedCall[] = [];
  let apiCount = 0;
  let tokenCount = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const call: ReceivedCall = {
        method: req.method ?? 'GET',
        url,
        path: url.split('?')[0] ?? url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      calls.push(call);
      const answer =
        call.path === '/oauth/token' ? token(call, tokenCount++) : api(call, apiCount++);
      if ('hang' in answer) return;
      if ('drop' in answer) {
        req.socket.destroy();
        return;
      }
      const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        'content-type': 'application/json',
        'inin-correlation-id': `corr-${calls.length}`,
        ...answer.headers,
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    apiCalls: () => calls.filter((c) => c.path !== '/oauth/token'),
    tokenCalls: () => calls.filter((c) => c.path === '/oauth/token'),
  };
}
