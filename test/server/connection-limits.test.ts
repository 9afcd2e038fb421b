/**
 * Issue 14 §4: a connection that sends its headers and then dribbles is cut off after the request
 * timeout, a refusal sent before the body is read closes the connection, silent connections are
 * closed, and open connections are bounded. Real sockets: the socket is the behaviour.
 */
import type { AddressInfo, Socket } from 'node:net';
import { connect } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createToolServer } from '../../src/server/index.js';
import type { ToolServerOptions } from '../../src/server/index.js';
import { TOKEN, tool } from './helpers.js';

async function listening(options: Partial<ToolServerOptions>): Promise<number> {
  const app = await createToolServer({
    tools: [tool()],
    auth: { bearerTokens: [TOKEN] },
    ...options,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  onTestFinished(async () => {
    await app.close();
  });
  return (app.server.address() as AddressInfo).port;
}

/** A socket on loopback, its received bytes, and a promise of its close. */
function open(port: number) {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<string>((resolve) =>
    socket.on('close', () => {
      resolve(received);
    }),
  );
  const connected = new Promise<void>((resolve) =>
    socket.once('connect', () => {
      resolve();
    }),
  );
  return { socket, closed, connected, received: () => received };
}

function head(authorization: string, contentLength: number): string {
  return `POST /api/v1/tools/check_inventory HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\nContent-Type: application/json\r\nContent-Length: ${contentLength}\r\n\r\n`;
}

/** Writes one byte per tick of `everyMs` until the socket closes: the slow client's stimulus. */
function dribble(socket: Socket, everyMs: number): void {
  const timer = setInterval(() => {
    if (socket.writable) socket.write(' ');
  }, everyMs);
  socket.on('close', () => {
    clearInterval(timer);
  });
}

describe('connection limits', () => {
  it('closes a connection that sends its headers and then dribbles its body', async () => {
    const port = await listening({ requestTimeoutMs: 200, connectionTimeoutMs: 60_000 });
    const client = open(port);
    await client.connected;
    client.socket.write(head(`Bearer ${TOKEN}`, 10_000));
    dribble(client.socket, 10);
    const received = await client.closed;
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes the connection after a refusal sent before the body is read', async () => {
    const port = await listening({});
    const client = open(port);
    await client.connected;
    client.socket.write(head('Bearer wrong-token-0123456789', 10_000));
    dribble(client.socket, 10);
    const received = await client.closed;
    expect(received).toMatch(/^HTTP\/1\.1 401 /);
    expect(received.toLowerCase()).toContain('connection: close');
  });

  it('keeps the connection after a refusal of a small body sent before it is read (issue 18)', async () => {
    const port = await listening({});
    const client = open(port);
    await client.connected;
    const body = JSON.stringify({ tool_name: 'check_inventory', parameters: { sku: 'a' } });
    const call = head('Bearer wrong-token-0123456789', Buffer.byteLength(body)) + body;
    // Two refused calls and then a good one, on one connection: the unread bodies were drained.
    client.socket.write(call + call + head(`Bearer ${TOKEN}`, Buffer.byteLength(body)) + body);
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if ((client.received().match(/HTTP\/1\.1 /g) ?? []).length === 3) resolve();
      };
      client.socket.on('data', check);
      check();
    });
    const statuses = [...client.received().matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
    expect(statuses).toEqual(['401', '401', '200']);
    expect(client.received().toLowerCase()).not.toContain('connection: close');
    client.socket.destroy();
  });

  it('answers 429 to a rate-limited tool before its body is read (issue 18, goal 2)', async () => {
    const port = await listening({
      tools: [tool({ rateLimit: { requestsPerMinute: 1, burstSize: 1 } })],
      requestTimeoutMs: 60_000,
    });
    const body = JSON.stringify({ tool_name: 'check_inventory', parameters: { sku: 'a' } });
    const first = open(port);
    await first.connected;
    first.socket.end(head(`Bearer ${TOKEN}`, Buffer.byteLength(body)) + body);
    expect(await first.closed).toMatch(/^HTTP\/1\.1 200 /);
    // Headers only: the body never comes. The answer does not wait for it.
    const second = open(port);
    await second.connected;
    second.socket.write(head(`Bearer ${TOKEN}`, 10_000));
    const answered = await new Promise<string>((resolve) => {
      second.socket.on('data', () => {
        if (second.received().includes('\r\n\r\n')) resolve(second.received());
      });
    });
    expect(answered).toMatch(/^HTTP\/1\.1 429 /);
    expect(answered.toLowerCase()).toContain('retry-after:');
    second.socket.destroy();
  });

  it('closes a connection that stays silent', async () => {
    const port = await listening({ connectionTimeoutMs: 50 });
    const client = open(port);
    expect(await client.closed).toBe('');
  });

  it('keeps the connection of a call that runs longer than the connection timeout', async () => {
    const port = await listening({
      connectionTimeoutMs: 20,
      tools: [
        tool({
          // A slow tool: silent on the socket for longer than connectionTimeoutMs.
          handler: () =>
            new Promise((resolve) =>
              setTimeout(() => {
                resolve({ ok: true });
              }, 150),
            ),
        }),
      ],
    });
    const client = open(port);
    await client.connected;
    const body = JSON.stringify({ tool_name: 'check_inventory', parameters: { sku: 'a' } });
    client.socket.write(head(`Bearer ${TOKEN}`, Buffer.byteLength(body)) + body);
    const received = await client.closed;
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('drops connections past maxConnections', async () => {
    const port = await listening({ maxConnections: 2 });
    const first = open(port);
    await first.connected;
    const second = open(port);
    await second.connected;
    const third = open(port);
    expect(await third.closed).toBe('');
    const body = JSON.stringify({ tool_name: 'check_inventory', parameters: { sku: 'a' } });
    const answered = new Promise<void>((resolve) =>
      first.socket.once('data', () => {
        resolve();
      }),
    );
    first.socket.write(head(`Bearer ${TOKEN}`, Buffer.byteLength(body)) + body);
    await answered;
    expect(first.received()).toMatch(/^HTTP\/1\.1 200 /);
    first.socket.destroy();
    second.socket.destroy();
  });
});
