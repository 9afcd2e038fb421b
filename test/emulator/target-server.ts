import { createServer } from 'node:http';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

/** One request the target received. */
export interface TargetRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** How the target answers one request. */
export type TargetHandler = (request: TargetRequest, res: ServerResponse) => void;

/** A tiny HTTP server on 127.0.0.1:0 standing in for a tool endpoint; closed after the test. */
export async function startTarget(handler: TargetHandler) {
  const received: TargetRequest[] = [];
  const waiters: (() => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      for (const w of waiters.splice(0)) w();
      handler(request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    received,
    /** Resolves once the target has received `n` requests. */
    waitFor: (n: number) =>
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (received.length >= n) resolve();
          else waiters.push(check);
        };
        check();
      }),
  };
}

/** Answers JSON with a status. */
export function json(status: number, body: unknown): TargetHandler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
}
