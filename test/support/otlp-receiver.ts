import { createServer } from 'node:http';
import { onTestFinished } from 'vitest';

/** What an OTLP/HTTP JSON logs request holds, as far as the tests read it. */
export interface OtlpLogsRequest {
  readonly contentType: string | undefined;
  readonly text: string;
  readonly resourceLogs: readonly {
    readonly resource?: { readonly attributes?: readonly OtlpKeyValue[] };
    readonly scopeLogs: readonly {
      readonly scope?: { readonly name?: string };
      readonly logRecords: readonly {
        readonly eventName?: string;
        readonly body?: { readonly stringValue?: string };
        readonly attributes?: readonly OtlpKeyValue[];
      }[];
    }[];
  }[];
}

export interface OtlpKeyValue {
  readonly key: string;
  readonly value: { readonly stringValue?: string };
}

/** One request an OTLP collector got, as sent. */
export interface OtlpRequest {
  readonly path: string;
  readonly contentType: string | undefined;
  readonly text: string;
}

/**
 * A local OTLP/HTTP collector on 127.0.0.1 port 0, closed when the test ends: it keeps every
 * request it got (any signal, any encoding; `onRequest` sees each before the reply) and answers
 * 200 with an empty export response. `url` is the base endpoint (`/v1/traces` etc. go under it).
 */
export async function startOtlpCollector(
  onRequest?: (request: OtlpRequest) => void,
): Promise<{ readonly url: string; readonly received: OtlpRequest[] }> {
  const received: OtlpRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request: OtlpRequest = {
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        text: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      onRequest?.(request);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  );
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, received };
}

/**
 * A local OTLP/HTTP logs receiver (JSON encoding): the collector above, each request parsed.
 */
export async function startOtlpReceiver(): Promise<{
  readonly url: string;
  readonly requests: OtlpLogsRequest[];
}> {
  const requests: OtlpLogsRequest[] = [];
  const { url } = await startOtlpCollector(({ text, contentType }) => {
    const parsed = JSON.parse(text) as Omit<OtlpLogsRequest, 'text' | 'contentType'>;
    requests.push({ ...parsed, text, contentType });
  });
  return { url: `${url}/v1/logs`, requests };
}

/** Every log record the receiver got, in order. */
export function receivedLogRecords(
  requests: readonly OtlpLogsRequest[],
): OtlpLogsRequest['resourceLogs'][number]['scopeLogs'][number]['logRecords'][number][] {
  return requests.flatMap((r) =>
    r.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords)),
  );
}
