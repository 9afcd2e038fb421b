/**
 * The API client's instruments: requests, their durations, retries, 429s and token renewals.
 * Label values are method, route template and status (labels.ts bounds them), never an id.
 */
import type { Attributes, Meter } from '@opentelemetry/api';
import { ATTR, methodLabel, routeLabel } from './labels.js';
import { DURATION_BUCKETS_S } from './metric-buckets.js';

/** Events of the API client (the genesys room emits them; shape copied, not imported). */
export type ClientEvent =
  | {
      readonly type: 'request';
      readonly method: string;
      readonly route: string;
      readonly status: number;
      readonly durationMs: number;
      readonly attempt: number;
      readonly correlationId?: string;
    }
  | {
      readonly type: 'retry';
      readonly method: string;
      readonly route: string;
      readonly attempt: number;
      readonly delayMs: number;
      readonly reason: string;
    }
  | {
      readonly type: 'rate-limited';
      readonly method: string;
      readonly route: string;
      readonly retryAfterMs?: number;
    }
  | { readonly type: 'token'; readonly outcome: 'renewed' | 'failed'; readonly durationMs: number };

/** Builds the client's instruments on `meter`; returns the event listener that feeds them. */
export function createClientInstruments(meter: Meter): (event: ClientEvent) => void {
  const requests = meter.createCounter('genesys_tools.client.requests', {
    description: 'HTTP requests of the Genesys Cloud API client (status 0: network error).',
  });
  const duration = meter.createHistogram('genesys_tools.client.request.duration', {
    description: 'Duration of Genesys Cloud API requests.',
    unit: 's',
    advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_S] },
  });
  const retries = meter.createCounter('genesys_tools.client.retries', {
    description: 'Retries of Genesys Cloud API requests.',
  });
  const rateLimited = meter.createCounter('genesys_tools.client.rate_limited', {
    description: 'HTTP 429 answers from Genesys Cloud.',
  });
  const tokenRenewals = meter.createCounter('genesys_tools.client.token.renewals', {
    description: 'OAuth token renewals of the API client, by outcome.',
  });
  const route = (method: string, template: string): Attributes => ({
    [ATTR.method]: methodLabel(method),
    [ATTR.route]: routeLabel(template),
  });

  return (event) => {
    switch (event.type) {
      case 'request': {
        const attrs = { ...route(event.method, event.route), [ATTR.status]: event.status };
        requests.add(1, attrs);
        duration.record(event.durationMs / 1000, attrs);
        return;
      }
      case 'retry':
        retries.add(1, route(event.method, event.route));
        return;
      case 'rate-limited':
        rateLimited.add(1, route(event.method, event.route));
        return;
      case 'token':
        tokenRenewals.add(1, { [ATTR.outcome]: event.outcome });
        return;
    }
  };
}
