import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { fakeCliContext } from '../support/cli-context.js';
import { runCli } from '../../src/cli/main.js';
import { startEmulator } from '../support/emulator.js';
import { tempDir } from '../support/temp-dir.js';

const SECRET_TOKEN = 'sentinel-bearer-9f8e7d';
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'tools');

/** A manifest served at `endpoint` (by default where the execution URL would put it). */
function manifest(
  name: string,
  timeoutMs = 5000,
  extra = '',
  endpoint = `https://tools.example.com/api/v1/tools/${name}`,
): string {
  return [
    `name: ${name}`,
    `description: Checks real-time inventory levels for ${name}`,
    'parameters:',
    '  sku: { type: string, description: Product stock keeping unit, required: true }',
    `timeoutMs: ${timeoutMs}`,
    `endpoint: ${endpoint}`,
    extra,
  ].join('\n');
}

/** A stand-in execution server: answers the envelope's sku, or fails for sku "boom". */
async function executionServer(): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const envelope = JSON.parse(body) as { parameters: { sku: string; qty?: number } };
      res.setHeader('content-type', 'application/json');
      if (envelope.parameters.sku === 'boom') {
        res.statusCode = 500;
        res.end(
          JSON.stringify({
            status: 'error',
            output: null,
            error_code: 'EXECUTION_FAILURE',
            message: 'the tool failed',
            invocation_id: 'inv-1',
          }),
        );
        return;
      }
      res.end(
        JSON.stringify({
          status: 'success',
          output: { sku: envelope.parameters.sku, qty: envelope.parameters.qty ?? null },
          metadata: {},
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function workspace(
  tools: Record<string, string>,
  executionUrl = 'https://tools.example.com',
) {
  const { url, clientId, clientSecret, emulator } = await startEmulator({
    rateLimitPerMinute: 1_000_000,
  });
  const cwd = tempDir();
  mkdirSync(join(cwd, 'tools'));
  for (const [name, text] of Object.entries(tools))
    writeFileSync(join(cwd, 'tools', `${name}.yaml`), text);
  const env = {
    GENESYS_CLOUD_API_URL: url,
    GENESYS_CLOUD_CLIENT_ID: clientId,
    GENESYS_CLOUD_CLIENT_SECRET: clientSecret,
    GENESYS_TOOLS_EXECUTION_URL: executionUrl,
    GENESYS_TOOLS_BEARER_TOKEN: SECRET_TOKEN,
  };
  const run = async (argv: string[], options: { tty?: boolean; answer?: string } = {}) => {
    const { ctx, out, err } = fakeCliContext({
      env,
      cwd,
      isTty: options.tty ?? false,
      ...(options.answer === undefined ? {} : { answer: options.answer }),
    });
    const code = await runCli(argv, ctx);
    const [stdout, stderr] = [out(), err()];
    // The credential's token must never reach the terminal, in any output of any command.
    expect(stdout + stderr).not.toContain(SECRET_TOKEN);
    return { code, stdout, stderr };
  };
  return { run, cwd, emulator };
}

describe('plan, apply, list, invoke and destroy on the command line', () => {
  it('plans with --detailed-exitcode 2, applies with --auto-approve, then plans 0', async () => {
    const { run } = await workspace({ a: manifest('tool_a'), b: manifest('tool_b') });
    const plan = await run(['plan', '--detailed-exitcode']);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('  + create tool_a\n');
    expect(plan.stdout).toContain('  + create tool_b\n');
    // Issue 15 item 17: a create lists what apply writes, and the integration it needs first.
    expect(plan.stdout).toContain(
      '      + config.request.requestUrlTemplate: "https://tools.example.com/api/v1/tools/tool_a"\n',
    );
    expect(plan.stdout).toContain(
      '      + integrationId: (the integration of this registry; apply creates it and its credential first when there is none)\n',
    );
    expect(plan.stdout).toContain(
      'Plan: 2 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged; integration and credential: 2 to create.',
    );

    const apply = await run(['apply', '--auto-approve']);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/\[1\/2\] \+ create tool_a: applied \(id [^)]+\)/);
    expect(apply.stdout).toContain('Apply complete: 2 changes applied.');

    const again = await run(['plan', '--detailed-exitcode']);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(
      'No changes. 2 tools in category "genesys-tools" (data-actions) match the files.\n',
    );
  });

  it('refuses to apply without a terminal and without --auto-approve', async () => {
    const { run, emulator } = await workspace({ a: manifest('tool_a') });
    const apply = await run(['apply', '--json']);
    expect(apply.code).toBe(1);
    expect(JSON.parse(apply.stdout)).toMatchObject({ error: { code: 'SYNC_NOT_APPROVED' } });
    expect(emulator.calls.filter((c) => c.method === 'POST' && c.path.startsWith('/api/'))).toEqual(
      [],
    );
  });

  it('applies after the user answers yes at the prompt, and not after no', async () => {
    const { run } = await workspace({ a: manifest('tool_a') });
    expect((await run(['apply'], { tty: true, answer: 'no' })).code).toBe(1);
    expect((await run(['apply'], { tty: true, answer: 'yes' })).code).toBe(0);
  });

  it('shows an update with its field diff and refuses a replace without --allow-replace', async () => {
    const { run, cwd } = await workspace({ a: manifest('tool_a'), b: manifest('tool_b') });
    expect((await run(['apply', '--auto-approve'])).code).toBe(0);
    writeFileSync(join(cwd, 'tools', 'a.yaml'), manifest('tool_a', 9000));
    writeFileSync(
      join(cwd, 'tools', 'b.yaml'),
      manifest('tool_b').replace('required: true }', 'required: true }\n  qty: { type: integer }'),
    );
    const plan = await run(['plan']);
    expect(plan.stdout).toContain('      ~ config.timeoutSeconds: 7 -> 11\n');
    expect(plan.stdout).toMatch(
      /-\/\+ replace tool_b \(id [^,]+, version 1\)\n {6}\+ contract\.input\.properties\.qty: \{"type":"integer"\}\n {6}! the id changes/,
    );

    const refused = await run(['apply', '--auto-approve']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error SYNC_REPLACE_NOT_ALLOWED');

    const before = JSON.parse((await run(['list', '--json'])).stdout) as {
      tools: { name: string; id: string }[];
    };
    expect((await run(['apply', '--auto-approve', '--allow-replace'])).code).toBe(0);
    const after = JSON.parse((await run(['list', '--json'])).stdout) as {
      tools: { name: string; id: string; version: number }[];
    };
    const id = (list: { name: string; id: string }[], name: string) =>
      list.find((t) => t.name === name)?.id;
    expect(id(after.tools, 'tool_a')).toBe(id(before.tools, 'tool_a'));
    expect(id(after.tools, 'tool_b')).not.toBe(id(before.tools, 'tool_b'));
    expect(after.tools).toHaveLength(2);
    expect((await run(['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it('saves a plan, applies it, and refuses it once the org has changed', async () => {
    const { run } = await workspace({ a: manifest('tool_a') });
    expect((await run(['plan', '--out', 'plan.json'])).code).toBe(0);
    expect((await run(['apply', '--plan', 'plan.json', '--auto-approve'])).code).toBe(0);
    const stale = await run(['apply', '--plan', 'plan.json', '--auto-approve', '--json']);
    expect(JSON.parse(stale.stdout)).toMatchObject({ error: { code: 'SYNC_PLAN_STALE' } });
  });

  it('lists the managed tools as a table and destroys them', async () => {
    const { run } = await workspace({ a: manifest('tool_a'), b: manifest('tool_b') });
    await run(['apply', '--auto-approve']);
    const list = await run(['list']);
    expect(list.stdout.split('\n')[0]).toMatch(
      /^NAME\s+ID\s+VERSION\s+STATUS\s+ENDPOINT\s+USED BY$/,
    );
    expect(list.stdout).toMatch(
      /tool_a\s+\S+\s+1\s+published\s+https:\/\/tools\.example\.com\/api\/v1\/tools\/tool_a/,
    );
    const destroy = await run(['destroy', '--auto-approve']);
    expect(destroy.code).toBe(0);
    expect(destroy.stdout).toContain(
      'Plan: 0 to create, 0 to update, 0 to replace, 2 to delete, 0 unchanged.',
    );
    expect((await run(['list'])).stdout).toBe(
      'No tools in category "genesys-tools" (data-actions).\n',
    );
  });

  it('writes one audit record per change, without the bearer token', async () => {
    const { run, cwd } = await workspace({ a: manifest('tool_a') });
    await run(['apply', '--auto-approve']);
    // apply and destroy default to a file of their own: serve writes ./audit/audit.jsonl.
    const lines = readFileSync(join(cwd, 'audit', 'changes.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      kind: 'registry-change',
      action: 'create',
      tool: 'tool_a',
      outcome: 'success',
      actor: 'emulator-client',
      target: 'data-actions',
    });
    expect(lines[0]).not.toContain(SECRET_TOKEN);
  });

  it('invokes a tool through its data action with typed --param values, and shows a failure', async () => {
    const server = await executionServer();
    const tool = manifest('tool_a', 5000, '', `${server}/api/v1/tools/tool_a`).replace(
      'required: true }',
      'required: true }\n  qty: { type: integer }',
    );
    const { run } = await workspace({ a: tool }, server);
    expect((await run(['apply', '--auto-approve'])).code).toBe(0);
    const ok = await run(['invoke', 'tool_a', '--param', 'sku=A-1', '--param', 'qty=3', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ tool: 'tool_a', output: { sku: 'A-1', qty: 3 } });
    const failed = await run(['invoke', 'tool_a', '--input', '{"sku": "boom"}']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^error GENESYS_EXECUTION_FAILED: .*ACTION\.REMOTE_ENDPOINT/);
    expect(failed.stderr).toContain('"error_code":"EXECUTION_FAILURE"');
  });

  it('takes tool paths, category and execution URL from the config file', async () => {
    const { run, cwd } = await workspace({});
    // A tool with a handler: its registration calls the execution URL (a manifest's calls its endpoint).
    writeFileSync(
      join(cwd, 'genesys-tools.config.json'),
      JSON.stringify({
        tools: [join(FIXTURES, 'valid.tool.ts')],
        category: 'my-tools',
        executionUrl: 'https://other.example.com',
      }),
    );
    expect((await run(['apply', '--auto-approve'])).code).toBe(0);
    const list = await run(['list', '--json']);
    expect(JSON.parse(list.stdout)).toMatchObject({
      scope: 'category "my-tools"',
      tools: [
        { name: 'fixture_echo', endpoint: 'https://other.example.com/api/v1/tools/fixture_echo' },
      ],
    });
  });

  it('reports an unknown tool for invoke with SYNC_NOT_FOUND', async () => {
    const { run } = await workspace({});
    const invoke = await run(['invoke', 'nope', '--param', 'sku=1', '--json']);
    expect(invoke.code).toBe(1);
    expect(JSON.parse(invoke.stdout)).toMatchObject({ error: { code: 'SYNC_NOT_FOUND' } });
  });
});
