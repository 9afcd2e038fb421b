/**
 * Step 3 of `doctor --probe`: the scratch action read back (inline templates and contract), then
 * its template files read the way the Terraform provider reads them (reference §10.1).
 */
import type { DataActionBody } from '../../registry/index.js';
import { describeDiff, diffSchemas, isSameSchema } from './probe-report.js';
import type { ProbeRun } from './probe-steps.js';
import { readAfterCreate } from './probe-steps.js';

function templateReading(sent: string, config: Record<string, unknown>, field: string): string {
  const inline = config[field];
  const uri = config[`${field}Uri`];
  const uriText = typeof uri === 'string' ? ` + ${field}Uri` : '';
  if (typeof inline !== 'string') return typeof uri === 'string' ? `only ${field}Uri` : 'absent';
  return inline === sent ? `inline as sent${uriText}` : `inline but different${uriText}`;
}

/** Step 3: the action read back, its inline templates and its contract. */
export async function stepReadBack(run: ProbeRun, id: string, body: DataActionBody): Promise<void> {
  const action = await readAfterCreate(run, () =>
    run.client.dataActions.get(id, { expand: 'contract', includeConfig: true, signal: run.signal }),
  );
  run.action = action;
  const request = action.config?.request ?? {};
  const response = action.config?.response ?? {};
  const req = templateReading(body.config.request.requestTemplate, request, 'requestTemplate');
  const res = templateReading(body.config.response.successTemplate, response, 'successTemplate');
  run.record('read back: templates inline', {
    status: req.startsWith('inline as sent') && res.startsWith('inline as sent') ? 'ok' : 'differs',
    seen: `requestTemplate: ${req}; successTemplate: ${res}`,
    expected: 'templates inline as sent (else plan must read the template files)',
    data: { request: req, response: res },
  });
  const input = action.contract?.input?.inputSchema;
  const output = action.contract?.output?.successSchema;
  if (input === undefined || output === undefined) {
    run.record('read back: contract', {
      status: 'differs',
      seen: 'no contract in GET ?expand=contract&includeConfig=true',
      expected: 'the contract as sent',
    });
    return;
  }
  const inputDiff = diffSchemas(body.contract.input.inputSchema, input);
  const outputDiff = diffSchemas(body.contract.output.successSchema, output);
  run.record('read back: contract', {
    status: isSameSchema(inputDiff) && isSameSchema(outputDiff) ? 'ok' : 'differs',
    seen: `inputSchema ${describeDiff(inputDiff)}; successSchema ${describeDiff(outputDiff)}`,
    expected: 'the contract as sent (semantic JSON compare)',
    data: { inputSchema: inputDiff, successSchema: outputDiff, received: action.contract },
  });
}

/**
 * Step 3, the files: `GET .../templates/{file}` with `Accept: *\/*`, as the Terraform provider
 * and the client's `getTemplate` send it, the answer kept as text. The raw transport is used
 * because `getTemplate` hides the status and content type, which are part of the finding.
 */
export async function stepTemplateFiles(
  run: ProbeRun,
  id: string,
  body: DataActionBody,
): Promise<void> {
  const files = [
    ['requesttemplate.vm', body.config.request.requestTemplate],
    ['successtemplate.vm', body.config.response.successTemplate],
  ] as const;
  const seen: string[] = [];
  let same = true;
  for (const [file, sent] of files) {
    const answer = await run.client.transport.send({
      method: 'GET',
      route: '/api/v2/integrations/actions/{id}/templates/{file}',
      params: { id, file },
      accept: '*/*',
      responseType: 'text',
      signal: run.signal,
    });
    const type = answer.headers.get('content-type') ?? '(no content type)';
    const text = typeof answer.body === 'string' ? answer.body : undefined;
    const what =
      text === undefined
        ? `not text: ${JSON.stringify(answer.body ?? null).slice(0, 80)}`
        : text === sent
          ? 'as sent'
          : `different text: ${JSON.stringify(text.slice(0, 80))}`;
    same &&= text === sent;
    seen.push(`${file} ${answer.status} ${type}, ${what}`);
  }
  run.record('read back: template files', {
    status: same ? 'ok' : 'differs',
    seen: seen.join('; '),
    expected: 'the template text as sent',
  });
}
