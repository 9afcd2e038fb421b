/**
 * Steps 7 and 8 of `doctor --probe`: the listing paged one action at a time, and the org's
 * data-action limits. Both read raw answers: the typed listing hides `nextUri` and `pageCount`,
 * and the client has no limits API.
 */
import { PROBE_CATEGORY } from './probe-body.js';
import { describeError, describeLimits, statusOf } from './probe-report.js';
import type { ProbeRun } from './probe-steps.js';

interface PageSeen {
  readonly pageNumber: number;
  readonly entities: number;
  readonly pageCount: number | undefined;
  readonly nextUri: boolean;
}

function pageSeen(pageNumber: number, body: unknown): PageSeen {
  const page = typeof body === 'object' && body !== null ? body : {};
  const entities = 'entities' in page && Array.isArray(page.entities) ? page.entities.length : 0;
  const pageCount =
    'pageCount' in page && typeof page.pageCount === 'number' ? page.pageCount : undefined;
  const nextUri = 'nextUri' in page && typeof page.nextUri === 'string' && page.nextUri !== '';
  return { pageNumber, entities, pageCount, nextUri };
}

/**
 * Step 7: the category's listing, one action per page, until an empty page (what the Terraform
 * provider trusts, reference §10.1). Raw pages: the typed listing hides `nextUri` and `pageCount`.
 */
export async function stepPaging(run: ProbeRun): Promise<void> {
  const pages: PageSeen[] = [];
  for (let pageNumber = 1; pageNumber <= 10; pageNumber++) {
    const answer = await run.client.transport.send({
      method: 'GET',
      route: '/api/v2/integrations/actions',
      query: { pageSize: 1, pageNumber, category: PROBE_CATEGORY },
      signal: run.signal,
    });
    const page = pageSeen(pageNumber, answer.body);
    pages.push(page);
    if (page.entities === 0) break;
  }
  const listed = pages.reduce((n, p) => n + p.entities, 0);
  const full = pages.filter((p) => p.entities > 0);
  const withCount = pages.every((p) => p.pageCount !== undefined);
  const nextOnAllButLast = full.slice(0, -1).every((p) => p.nextUri);
  const described = pages
    .map(
      (p) =>
        `p${p.pageNumber}: ${p.entities} item${p.entities === 1 ? '' : 's'}, pageCount ${p.pageCount ?? 'absent'}, nextUri ${p.nextUri ? 'yes' : 'no'}`,
    )
    .join('; ');
  run.record('paging pageSize=1', {
    status: withCount && nextOnAllButLast && listed === run.created.size ? 'ok' : 'differs',
    seen: `${listed} of ${run.created.size} scratch actions listed; ${described}`,
    expected: 'every action listed, pageCount on every page, nextUri on every page but the last',
    data: { pages },
  });
}

/** Step 8: the org's data-action limits (reference §10.3). */
export async function stepLimits(run: ProbeRun): Promise<void> {
  const route = '/api/v2/organizations/limits/namespaces/dataactions';
  try {
    const answer = await run.client.transport.send({ method: 'GET', route, signal: run.signal });
    run.record('data-action limits', {
      status: 'ok',
      seen: describeLimits(answer.body),
      data: answer.body,
    });
  } catch (error) {
    if (run.signal.aborted) throw error;
    const status = statusOf(error);
    run.record('data-action limits', {
      status: status === 403 || status === 404 ? 'unavailable' : 'failed',
      seen:
        status === 403
          ? `forbidden: this client may not read the limits (older SDK docs name limits:organization:view, newer ones no permission); ${describeError(error)}`
          : status === 404
            ? `not served: ${describeError(error)}`
            : describeError(error),
    });
  }
}
