/**
 * `npm run bench:validate`: how fast the definition room is (issue 2, "Done when").
 * 1. validations per second of the compiled parameters validator on the example tool
 *    (goal >= 1,000,000/s), for a valid call and for a call with two bad parameters;
 * 2. time to load and validate 500 generated tool files, YAML and JSON (goal < 1 s), and, for
 *    scale, a few .tool.ts modules (each pulls in the library through tsx).
 * Figures depend on the machine and its load; run it on a quiet machine.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileParametersValidator, loadTools } from '../src/definition/index.js';
import checkInventory from '../examples/tools/check_inventory.tool.js';

interface Row {
  readonly measure: string;
  readonly result: string;
  readonly goal: string;
}

function validationsPerSecond(value: unknown, iterations: number): number {
  const validate = compileParametersValidator(checkInventory);
  for (let i = 0; i < 100_000; i += 1) validate(value); // warm up the JIT
  const start = process.hrtime.bigint();
  let failures = 0;
  for (let i = 0; i < iterations; i += 1) if (!validate(value).ok) failures += 1;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (failures !== 0 && failures !== iterations) throw new Error('inconsistent validator');
  return iterations / seconds;
}

function yamlTool(i: number): string {
  return [
    `name: generated_${String(i)}`,
    `description: Generated tool number ${String(i)} for the load benchmark`,
    'parameters:',
    '  sku: { type: string, description: Product stock keeping unit, required: true }',
    '  warehouse_id: { type: string, description: Target warehouse identifier }',
    '  quantity: { type: integer, minimum: 1, maximum: 100 }',
    'output:',
    '  type: object',
    '  properties: { sku: { type: string }, inventory_level: { type: integer } }',
    'rateLimit: { requestsPerMinute: 60, burstSize: 10 }',
    'timeoutMs: 5000',
    `endpoint: https://tools.example.com/api/v1/tools/generated_${String(i)}`,
    '',
  ].join('\n');
}

function jsonTool(i: number): string {
  return JSON.stringify({
    name: `generated_${String(i)}`,
    description: `Generated tool number ${String(i)} for the load benchmark`,
    input: {
      type: 'object',
      properties: {
        order_id: { type: 'string', pattern: '^ORD-[0-9]+$' },
        channel: { type: 'string', enum: ['web', 'phone', 'store'] },
      },
      required: ['order_id'],
    },
    output: { type: 'object', properties: { status: { type: 'string' } } },
    endpoint: `https://tools.example.com/api/v1/tools/generated_${String(i)}`,
  });
}

function moduleTool(i: number, library: string): string {
  return [
    `import { defineTool } from ${JSON.stringify(library)};`,
    `export default defineTool({ name: 'module_${String(i)}', description: 'Generated module',`,
    "  parameters: { sku: { type: 'string', required: true } },",
    '  handler: (p) => p });',
    '',
  ].join('\n');
}

async function timeLoad(
  write: (dir: string) => number,
): Promise<{ ms: number; cpuMs: number; files: number; tools: number; issues: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'genesys-tools-bench-'));
  try {
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    const files = write(dir);
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const result = await loadTools([dir], { cwd: dir, target: 'data-actions' });
    const used = process.cpuUsage(cpu);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const cpuMs = (used.user + used.system) / 1000;
    return { ms, cpuMs, files, tools: result.tools.length, issues: result.issues.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function format(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

const rows: Row[] = [];
const iterations = 3_000_000;
rows.push({
  measure: 'compiled validator, valid call (check_inventory)',
  result: `${format(validationsPerSecond({ sku: 'SKU-12345', warehouse_id: 'W-1' }, iterations))} /s`,
  goal: '>= 1,000,000 /s',
});
rows.push({
  measure: 'compiled validator, invalid call (2 issues)',
  result: `${format(validationsPerSecond({ warehouse_id: 7 }, iterations / 3))} /s`,
  goal: '-',
});

const manifests = (dir: string): number => {
  for (let i = 0; i < 500; i += 1) {
    if (i % 2 === 0) writeFileSync(join(dir, `tool_${String(i)}.yaml`), yamlTool(i));
    else writeFileSync(join(dir, `tool_${String(i)}.json`), jsonTool(i));
  }
  return 500;
};
await timeLoad(manifests); // warm-up: Ajv's meta-schema, the YAML parser, the file cache
const runs = [await timeLoad(manifests), await timeLoad(manifests), await timeLoad(manifests)];
const median = [...runs].sort((a, b) => a.ms - b.ms)[1] ?? runs[0]!;
rows.push({
  measure: `load + validate 500 manifests (250 YAML, 250 JSON), median of 3`,
  result: `${format(median.ms)} ms wall, ${format(median.cpuMs)} ms CPU (${String(median.tools)} tools, ${String(median.issues)} issues)`,
  goal: '< 1,000 ms',
});

const library = join(import.meta.dirname, '..', 'src', 'index.ts');
const modules = await timeLoad((dir) => {
  for (let i = 0; i < 10; i += 1) {
    writeFileSync(join(dir, `m${String(i)}.tool.ts`), moduleTool(i, library));
  }
  return 10;
});
rows.push({
  measure: 'load + validate 10 .tool.ts modules (tsx, first load of the library)',
  result: `${format(modules.ms)} ms wall, ${format(modules.cpuMs)} ms CPU (${String(modules.tools)} tools, ${String(modules.issues)} issues)`,
  goal: '-',
});

const widths = [0, 1, 2].map((c) =>
  Math.max(
    ...[['measure', 'result', 'goal'], ...rows.map((r) => [r.measure, r.result, r.goal])].map(
      (r) => r[c]?.length ?? 0,
    ),
  ),
);
const line = (cells: readonly string[]): string =>
  `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
console.log(line(['measure', 'result', 'goal']));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line([r.measure, r.result, r.goal]));
console.log(
  `node ${process.version}, ${String(availableParallelism())} CPUs, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} (wall times grow with the load; CPU time does not)`,
);
