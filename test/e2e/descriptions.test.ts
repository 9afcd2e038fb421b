/**
 * Issue 15 item 12 through the built CLI on the emulator: a description change does not replace
 * the action (same id, no --allow-replace); the guide and agent that bind the tool get the new tool
 * description; a tool bound to nothing is reported as such; a type change is still a replace; an
 * org written with the digest of the code before this rule (v1) plans no change.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createGenesysClient } from '../../src/genesys/index.js';
import type { ActionConfigWire, GenesysClient } from '../../src/genesys/index.js';
import { legacySpecDigest, SPEC_HEADER } from '../../src/registry/action-spec.js';
import { startEmulator } from '../support/emulator.js';
import { tempDir } from '../support/temp-dir.js';
import { cli, ROOT } from './support.js';

interface ToolText {
  readonly description?: string;
  readonly skuDescription?: string;
  readonly skuType?: string;
  readonly timeoutMs?: number;
}

const INDEX = JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'index.js')).href);

function toolFile(name: string, t: ToolText = {}): string {
  const input = {
    type: 'object',
    properties: {
      sku: { type: t.skuType ?? 'string', description: t.skuDescription ?? 'Product SKU' },
    },
    required: ['sku'],
    additionalProperties: false,
  };
  return `import { defineTool } from ${INDEX};
export default defineTool({
  name: '${name}',
  description: ${JSON.stringify(t.description ?? `Looks up ${name}`)},
  input: ${JSON.stringify(input)},
  timeoutMs: ${String(t.timeoutMs ?? 5000)},
  handler: ({ sku }) => ({ sku }),
});
`;
}

const CONFIG = `tools: [tools]
guides:
  - name: Store assistant
    tools:
      - tool: check_inventory
agents:
  - name: Store agent
    tools:
      - tool: check_inventory
`;

async function workspace() {
  const started = await startEmulator({
    rateLimitPerMinute: 1_000_000,
    seedGuides: ['Store assistant'],
    seedAgents: ['Store agent'],
  });
  const dir = tempDir();
  mkdirSync(join(dir, 'tools'));
  writeFileSync(join(dir, 'tools', 'package.json'), '{"type":"module"}');
  writeFileSync(join(dir, 'genesys-tools.config.yaml'), CONFIG);
  const write = (name: string, t: ToolText = {}): void => {
    writeFileSync(join(dir, 'tools', `${name}.tool.js`), toolFile(name, t));
  };
  write('check_inventory');
  write('order_status');
  const env = {
    GENESYS_CLOUD_API_URL: started.url,
    GENESYS_CLOUD_LOGIN_URL: started.url,
    GENESYS_CLOUD_CLIENT_ID: started.clientId,
    GENESYS_CLOUD_CLIENT_SECRET: started.clientSecret,
    GENESYS_TOOLS_EXECUTION_URL: 'https://tools.example.com',
    GENESYS_TOOLS_BEARER_TOKEN: 'e2e-bearer-token-descriptions-01',
    GENESYS_TOOLS_AUDIT_FILE: 'audit.jsonl',
    GENESYS_CLOUD_REQUESTS_PER_MINUTE: '100000',
    LOG_LEVEL: 'warn',
  };
  const client = createGenesysClient({
    apiUrl: started.url,
    clientId: started.clientId,
    clientSecret: started.clientSecret,
    requestsPerMinute: 1_000_000,
  });
  const run = (args: readonly string[]) => cli(args, env, dir);
  return { ...started, dir, write, run, client };
}

/** A wire map of strings, as the PATCH body types it. */
function texts(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof value !== 'object' || value === null) return out;
  for (const [k, v] of Object.entries(value)) out[k] = String(v);
  return out;
}

async function actionOf(client: GenesysClient, name: string) {
  const all = await client.dataActions.list({ category: 'genesys-tools' }).collect();
  const found = all.filter((a) => a.name === name);
  expect(found).toHaveLength(1);
  const id = found[0]?.id ?? '';
  return client.dataActions.get(id, { expand: 'contract' });
}

/** The tool descriptions the published guide and agent carry for `actionId`. */
async function boundDescriptions(client: GenesysClient, actionId: string) {
  const [guide] = await client.guides.findByName('Store assistant');
  const [agent] = await client.agents.findByName('Store agent');
  if (guide === undefined || agent === undefined) throw new Error('seeds missing');
  const g = await client.guides.get(guide.id);
  const a = await client.agents.get(agent.id);
  const gv = await client.guides.getVersion(guide.id, g.latestProductionReadyVersion?.id ?? '');
  const av = await client.agents.getVersion(agent.id, a.publishedVersion?.id ?? '');
  return {
    guide: gv.resources?.dataActions?.find((d) => d.id === actionId)?.description,
    agent: av.definition?.tools?.find((t) => t.target?.id === actionId)?.description,
  };
}

describe('descriptions do not force a replace, through the built CLI', { timeout: 180_000 }, () => {
  it('a bound tool: same action id, the guide and agent get the new description', async () => {
    const { run, write, client, emulator } = await workspace();
    const first = await run(['apply', '--auto-approve']);
    expect(first.code, first.stderr).toBe(0);
    const before = await actionOf(client, 'check_inventory');

    write('check_inventory', {
      description: 'Tells how many units of a SKU are in stock',
      skuDescription: 'The stock keeping unit, as printed on the label',
    });
    const plan = await run(['plan', '--detailed-exitcode']);
    expect(plan.code, plan.stderr).toBe(2); // the guide and agent change
    expect(plan.stdout).not.toContain('replace check_inventory');
    expect(plan.stdout).toContain(
      "Descriptions that differ from the action's contract (a contract keeps the descriptions it was created with; a description never replaces an action):",
    );
    expect(plan.stdout).toContain(
      '  ~ check_inventory: tool description changed: the model reads the tool description that guide "Store assistant", agent "Store agent" carry',
    );
    expect(plan.stdout).toContain(
      '  ~ check_inventory: parameter/output descriptions changed: guides and agents carry only the tool description',
    );
    expect(plan.stdout).toContain('~ guide "Store assistant": ~ check_inventory (description)');
    expect(plan.stdout).toContain('~ agent "Store agent": ~ check_inventory (description)');

    const apply = await run(['apply', '--auto-approve']);
    expect(apply.code, apply.stderr).toBe(0);
    const after = await actionOf(client, 'check_inventory');
    expect(after.id).toBe(before.id);
    expect(after.version).toBe(before.version);
    // The contract keeps what it was created with; the bindings carry the new tool description.
    expect(after.contract?.input?.inputSchema?.description).toBe('Looks up check_inventory');
    expect(await boundDescriptions(client, after.id)).toEqual({
      guide: 'Tells how many units of a SKU are in stock',
      agent: 'Tells how many units of a SKU are in stock',
    });

    // Settled: nothing to write, and the note stays (the contract still differs from the files).
    const settled = await run(['plan', '--detailed-exitcode']);
    expect(settled.code, settled.stdout).toBe(0);
    expect(settled.stdout).toContain('  ~ check_inventory: tool description changed');

    // An update for another reason keeps the header true: the contract's descriptions are kept.
    write('check_inventory', {
      description: 'Tells how many units of a SKU are in stock',
      skuDescription: 'The stock keeping unit, as printed on the label',
      timeoutMs: 9000,
    });
    const update = await run(['apply', '--auto-approve']);
    expect(update.code, update.stderr).toBe(0);
    expect(update.stdout).toContain('~ update check_inventory');
    const updated = await actionOf(client, 'check_inventory');
    expect(updated.id).toBe(before.id);
    emulator.clearCalls();
    const again = await run(['plan', '--detailed-exitcode']);
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toContain('  ~ check_inventory: tool description changed');
    expect(again.stdout).toContain('  ~ check_inventory: parameter/output descriptions changed');
    // Settled from the listing: no action read in full.
    expect(emulator.calls.filter((c) => c.path.includes('/templates/'))).toEqual([]);
  });

  it('a tool bound to nothing: no change, and plan says it has no effect yet', async () => {
    const { run, write } = await workspace();
    expect((await run(['apply', '--auto-approve'])).code).toBe(0);
    write('order_status', { description: 'Says where an order is' });
    const plan = await run(['plan', '--detailed-exitcode']);
    expect(plan.code, plan.stdout).toBe(0);
    expect(plan.stdout).toContain('No changes.');
    expect(plan.stdout).toContain(
      '  ~ order_status: tool description changed: no effect on the org until the tool is bound to a guide or agent, or its action is replaced for another reason',
    );
    const json = await run(['plan', '--json']);
    const parsed = JSON.parse(json.stdout) as {
      changed: boolean;
      descriptions: { tool: string; part: string; effect: string }[];
    };
    expect(parsed.changed).toBe(false);
    expect(parsed.descriptions).toEqual([
      expect.objectContaining({ tool: 'order_status', part: 'tool', effect: 'none' }),
    ]);
    const apply = await run(['apply', '--auto-approve']);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('Nothing to do.');
  });

  it('a parameter type change is still a replace', async () => {
    const { run, write } = await workspace();
    expect((await run(['apply', '--auto-approve'])).code).toBe(0);
    write('check_inventory', { skuType: 'integer' });
    const plan = await run(['plan', '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('-/+ replace check_inventory');
    expect(plan.stdout).toContain('~ contract.input.properties.sku.type: "string" -> "integer"');
    const apply = await run(['apply', '--auto-approve']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('--allow-replace');
  });

  it('an org written by the code before this rule (v1 digests) plans no change', async () => {
    const { run, write, client } = await workspace();
    expect((await run(['apply', '--auto-approve'])).code).toBe(0);
    // Rewrite each action's digest header as the code before this change wrote it.
    for (const name of ['check_inventory', 'order_status']) {
      const action = await actionOf(client, name);
      const [requestTemplate, successTemplate] = await Promise.all([
        client.dataActions.getTemplate(action.id, 'requesttemplate.vm'),
        client.dataActions.getTemplate(action.id, 'successtemplate.vm'),
      ]);
      const request = action.config?.request;
      const response = action.config?.response;
      if (request === undefined || response === undefined) throw new Error('no config');
      const config: ActionConfigWire = {
        timeoutSeconds: action.config?.timeoutSeconds ?? 60,
        request: {
          requestUrlTemplate: String(request.requestUrlTemplate),
          requestType: 'POST' as const,
          headers: texts(request.headers),
          requestTemplate,
        },
        response: {
          translationMap: texts(response.translationMap),
          translationMapDefaults: texts(response.translationMapDefaults),
          successTemplate,
        },
      };
      const legacy = legacySpecDigest({ ...action, config });
      await client.dataActions.patch(action.id, {
        version: action.version ?? 1,
        config: {
          ...config,
          request: {
            ...config.request,
            headers: { ...config.request.headers, [SPEC_HEADER]: legacy },
          },
        },
      });
      expect(legacy).toMatch(/^v1-/);
    }
    const unchanged = await run(['plan', '--detailed-exitcode']);
    expect(unchanged.code, unchanged.stdout).toBe(0);
    expect(unchanged.stdout).toContain('No changes. 2 tools');
    expect(unchanged.stdout).not.toContain('Descriptions that differ');

    const before = await actionOf(client, 'order_status');
    write('order_status', { skuDescription: 'The SKU of an item of the order' });
    const reworded = await run(['plan', '--detailed-exitcode']);
    expect(reworded.code, reworded.stdout).toBe(0);
    expect(reworded.stdout).not.toContain('replace order_status');
    expect(reworded.stdout).toContain('  ~ order_status: parameter/output descriptions changed');
    const apply = await run(['apply', '--auto-approve']);
    expect(apply.code, apply.stderr).toBe(0);
    expect((await actionOf(client, 'order_status')).id).toBe(before.id);
  });
});
