import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/deps.js';
import { validateTool } from '../../src/definition/index.js';
import type { LoadResult } from '../../src/definition/index.js';
import { OPTIONAL_INPUT_FIX } from '../../src/definition/input-types.js';
import { fileKind, loadTools } from '../../src/definition/load-tools.js';
import { tempDir } from '../support/temp-dir.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const cwd = join(import.meta.dirname, '..', '..');

const params11 = Array.from({ length: 11 }, (_, i) => `  p${String(i)}: { type: string }`).join(
  '\n',
);

describe('loadTools: each manifest kind loads', () => {
  it('loads .yaml, .yml and .json manifests from a directory, in name order', async () => {
    const result = await loadTools(['test/fixtures/manifests'], { cwd, target: 'data-actions' });
    expect(result.issues).toEqual([]);
    expect(result.tools.map((t) => t.name)).toEqual(['lookup_json', 'lookup_yaml', 'lookup_yml']);
    expect(result.tools[2]?.timeoutMs).toBe(1000);
    expect(result.tools[0]?.source).toBe(join(FIXTURES, 'manifests', 'lookup.json'));
    expect(result.tools.every((t) => t.handler === undefined)).toBe(true);
  });

  it('loads a TypeScript tool module without a build step, handler included', async () => {
    const result = await loadTools(['test/fixtures/tools/valid.tool.ts'], { cwd });
    expect(result.issues).toEqual([]);
    const tool = result.tools[0];
    expect(tool?.name).toBe('fixture_echo');
    expect(tool?.source).toBe(join(FIXTURES, 'tools', 'valid.tool.ts'));
    expect(
      await tool?.handler?.(
        { text: 'hi' },
        {
          signal: new AbortController().signal,
          invocationId: 'i',
          toolName: 'fixture_echo',
          attempt: 1,
          logger: {
            trace() {},
            debug() {},
            info() {},
            warn() {},
            error() {},
            child: () => {
              throw new Error('unused');
            },
          },
        },
      ),
    ).toEqual({ echoed: 'hi' });
  });

  it('loads a tool module of another ES module package, importing the library by path', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    const lib = join(cwd, 'src', 'index.js');
    writeFileSync(
      join(dir, 'outside.tool.ts'),
      `import { defineTool } from ${JSON.stringify(lib)};\nexport default defineTool({ name: 'outside', description: 'd' });\n`,
    );
    const result = await loadTools(['.'], { cwd: dir });
    expect(result.issues).toEqual([]);
    expect(result.tools.map((t) => t.name)).toEqual(['outside']);
  });

  it('imports compiled JavaScript tool modules natively, ES module and CommonJS alike', async () => {
    // The built library (npm test builds first), as a user's compiled tools import the package.
    const lib = join(cwd, 'dist', 'index.js');
    const dir = tempDir();
    const esm = join(dir, 'esm');
    const cjs = join(dir, 'cjs');
    mkdirSync(esm);
    mkdirSync(cjs);
    writeFileSync(join(esm, 'package.json'), '{"type":"module"}');
    writeFileSync(
      join(esm, 'upper.tool.js'),
      `import { defineTool } from ${JSON.stringify(lib)};\nexport default defineTool({ name: 'upper', description: 'd', handler: ({ text }) => String(text).toUpperCase() });\n`,
    );
    // What tsc emits for `export default` in a CommonJS package.
    writeFileSync(
      join(cjs, 'lower.tool.js'),
      `"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nconst { defineTool } = require(${JSON.stringify(lib)});\nexports.default = defineTool({ name: 'lower', description: 'd' });\n`,
    );
    const result = await loadTools(['esm', 'cjs'], { cwd: dir });
    expect(result.issues).toEqual([]);
    expect(result.tools.map((t) => t.name)).toEqual(['upper', 'lower']);
    const context = {
      signal: new AbortController().signal,
      invocationId: 'i',
      toolName: 'upper',
      attempt: 1,
      logger: silentLogger,
    };
    expect(await result.tools[0]?.handler?.({ text: 'hi' }, context)).toBe('HI');
  });

  it('loads the examples for both targets without a single issue', async () => {
    const result = await loadTools(['examples/tools', 'examples/manifests'], {
      cwd,
      target: 'data-actions',
    });
    expect(result.issues).toEqual([]);
    expect(result.tools.map((t) => t.name).sort()).toEqual([
      'check_inventory',
      'order_status',
      'store_hours',
    ]);
    for (const tool of result.tools) expect(validateTool(tool, 'gateway')).toEqual([]);
  });
});

describe('loadTools: bad tool modules', () => {
  // One load of the whole fixture folder: each module load pulls the library in through tsx.
  let result: LoadResult;
  beforeAll(async () => {
    result = await loadTools(['test/fixtures/tools'], { cwd });
  });

  it('loads the valid module of the folder and only that one', () => {
    expect(result.tools.map((t) => t.name)).toEqual(['fixture_echo']);
  });

  it.each([
    ['throws.tool.ts', 'DEFINITION_IMPORT_FAILED', 'database offline'],
    ['no-default.tool.ts', 'DEFINITION_NO_DEFAULT_EXPORT', 'has no default export'],
    ['not-a-tool.tool.ts', 'DEFINITION_NO_DEFAULT_EXPORT', 'not made with defineTool()'],
    ['bad-name.tool.ts', 'DEFINITION_INVALID_NAME', 'breaks the pattern'],
  ])('reports %s as %s naming the file', (name, code, text) => {
    const found = result.issues.find((i) => i.file === `test/fixtures/tools/${name}`);
    expect(found).toMatchObject({ code });
    expect(found?.message).toContain(text);
  });

  it('lists every problem of a module whose defineTool throws', () => {
    const issues = result.issues.filter((i) => i.file === 'test/fixtures/tools/bad-name.tool.ts');
    expect(issues.map((i) => [i.code, i.pointer, i.tool])).toEqual([
      ['DEFINITION_INVALID_NAME', '/name', 'bad name'],
      ['DEFINITION_UNSUPPORTED_TYPE', '/input/properties/day/type', 'bad name'],
    ]);
  });
});

interface BadCase {
  readonly file: string;
  readonly text: string;
  readonly code: string;
  readonly pointer: string;
  readonly line?: number;
  readonly column?: number;
  readonly target?: 'data-actions' | 'gateway';
  readonly hint?: string;
}

const BAD: readonly (readonly [string, BadCase])[] = [
  [
    'malformed YAML',
    {
      file: 'a.yaml',
      text: 'name: a\ndescription: [unclosed\n',
      code: 'DEFINITION_PARSE_ERROR',
      pointer: '',
      line: 3,
      column: 1,
    },
  ],
  [
    'malformed JSON',
    {
      file: 'a.json',
      text: '{\n  "name": "a",\n  "description": "b",\n}\n',
      code: 'DEFINITION_PARSE_ERROR',
      pointer: '',
      line: 4,
      column: 1,
    },
  ],
  ['an empty file', { file: 'a.yaml', text: '\n  \n', code: 'DEFINITION_EMPTY_FILE', pointer: '' }],
  ['an empty JSON file', { file: 'a.json', text: '', code: 'DEFINITION_EMPTY_FILE', pointer: '' }],
  [
    'a YAML list instead of a mapping',
    { file: 'a.yaml', text: '- a\n- b\n', code: 'DEFINITION_INVALID', pointer: '' },
  ],
  [
    'an unknown manifest field',
    {
      file: 'a.yaml',
      text: 'name: a\ndescription: b\ncolour: red\n',
      code: 'DEFINITION_UNKNOWN_FIELD',
      pointer: '/colour',
      line: 3,
      column: 9,
    },
  ],
  [
    'a handler in a manifest',
    {
      file: 'a.json',
      text: '{"name":"a","description":"b","handler":"x"}',
      code: 'DEFINITION_UNKNOWN_FIELD',
      pointer: '/handler',
    },
  ],
  [
    'an unknown parameter field',
    {
      file: 'a.yaml',
      text: 'name: a\ndescription: b\nparameters:\n  sku: { type: string, requried: true }\n',
      code: 'DEFINITION_UNKNOWN_FIELD',
      pointer: '/parameters/sku/requried',
      line: 4,
    },
  ],
  [
    'a name that breaks the pattern',
    {
      file: 'a.yaml',
      text: 'name: check inventory\ndescription: b\n',
      code: 'DEFINITION_INVALID_NAME',
      pointer: '/name',
      line: 1,
      column: 7,
    },
  ],
  [
    '11 parameters',
    {
      file: 'a.yaml',
      text: `name: a\ndescription: b\nparameters:\n${params11}\n`,
      code: 'DEFINITION_TOO_MANY_PARAMETERS',
      pointer: '/parameters',
      line: 4,
    },
  ],
  [
    'a date type',
    {
      file: 'a.yaml',
      text: 'name: a\ndescription: b\nparameters:\n  day: { type: date }\n',
      code: 'DEFINITION_UNSUPPORTED_TYPE',
      pointer: '/parameters/day/type',
      line: 4,
      column: 16,
      hint: 'use string with format "date"',
    },
  ],
  [
    'a nested object under data-actions',
    {
      file: 'a.yaml',
      text: 'name: a\ndescription: b\nparameters:\n  address: { type: object }\n',
      code: 'DEFINITION_NESTED_INPUT',
      pointer: '/parameters/address/type',
      target: 'data-actions',
    },
  ],
  [
    '$ref',
    {
      file: 'a.json',
      text: '{"name":"a","description":"b","input":{"type":"object","properties":{"x":{"$ref":"#/$defs/x"}}}}',
      code: 'DEFINITION_REF_NOT_ALLOWED',
      pointer: '/input/properties/x/$ref',
      line: 1,
    },
  ],
  [
    'a reserved input name',
    {
      file: 'a.yaml',
      text: 'name: a\ndescription: b\nparameters:\n  orgId: { type: string }\n',
      code: 'DEFINITION_RESERVED_NAME',
      pointer: '/parameters/orgId',
      target: 'data-actions',
    },
  ],
  [
    'a nullable input under data-actions',
    {
      file: 'a.json',
      text: '{"name":"a","description":"b","input":{"type":"object","properties":{"sku":{"type":["string","null"]}}}}',
      code: 'DEFINITION_INPUT_TYPE_LIST',
      pointer: '/input/properties/sku/type',
      target: 'data-actions',
      line: 1,
      hint: OPTIONAL_INPUT_FIX,
    },
  ],
  [
    'a type list in the parameter map',
    {
      file: 'a.yaml',
      text: 'name: a\ndescription: b\nparameters:\n  sku: { type: [string, "null"] }\n',
      code: 'DEFINITION_INPUT_TYPE_LIST',
      pointer: '/parameters/sku/type',
      line: 4,
      column: 16,
    },
  ],
  [
    'a constructor parameter',
    {
      file: 'a.yaml',
      text: 'name: a\ndescription: b\nparameters:\n  constructor: { type: string }\n',
      code: 'DEFINITION_RESERVED_NAME',
      pointer: '/parameters/constructor',
      line: 4,
      hint: 'rename the parameter',
    },
  ],
  [
    'a __proto__ parameter in a JSON parameter map',
    {
      file: 'a.json',
      text: '{"name":"a","description":"b","parameters":{"__proto__":{"type":"string","required":true}}}',
      code: 'DEFINITION_RESERVED_NAME',
      pointer: '/parameters/__proto__',
      hint: 'rename the parameter',
    },
  ],
  [
    'a __proto__ parameter in a YAML parameter map',
    {
      file: 'a.yaml',
      text: 'name: a\ndescription: b\nparameters:\n  __proto__: { type: string, required: true }\n',
      code: 'DEFINITION_RESERVED_NAME',
      pointer: '/parameters/__proto__',
      line: 4,
    },
  ],
  [
    'a __proto__ property in a YAML input schema',
    {
      file: 'a.yaml',
      text: 'name: a\ndescription: b\ninput:\n  type: object\n  properties:\n    __proto__: { type: string }\n',
      code: 'DEFINITION_RESERVED_NAME',
      pointer: '/input/properties/__proto__',
      line: 6,
      target: 'gateway',
    },
  ],
  [
    'a catastrophic pattern',
    {
      file: 'a.yaml',
      text: 'name: a\ndescription: b\nparameters:\n  code: { type: string, pattern: "^(a+)+$" }\n',
      code: 'DEFINITION_UNSAFE_PATTERN',
      pointer: '/parameters/code/pattern',
      line: 4,
      column: 34,
    },
  ],
  [
    'a 300-character description',
    {
      file: 'a.yaml',
      text: `name: a\ndescription: ${'d'.repeat(300)}\n`,
      code: 'DEFINITION_DESCRIPTION_TOO_LONG',
      pointer: '/description',
      line: 2,
    },
  ],
  [
    'a timeout over 60 s',
    {
      file: 'a.yaml',
      text: 'name: a\ndescription: b\ntimeoutMs: 90000\n',
      code: 'DEFINITION_INVALID_POLICY',
      pointer: '/timeoutMs',
      line: 3,
    },
  ],
];

describe('loadTools: each bad manifest gets a clear issue', () => {
  it.each(BAD)('reports %s with file, pointer and position', async (_label, bad) => {
    const dir = tempDir();
    writeFileSync(join(dir, bad.file), bad.text);
    const result = await loadTools(
      ['.'],
      bad.target === undefined ? { cwd: dir } : { cwd: dir, target: bad.target },
    );
    const found = result.issues.find((i) => i.code === bad.code);
    expect(found, JSON.stringify(result.issues)).toMatchObject({
      file: bad.file,
      pointer: bad.pointer,
      severity: 'error',
      ...(bad.line === undefined ? {} : { line: bad.line }),
      ...(bad.column === undefined ? {} : { column: bad.column }),
      ...(bad.hint === undefined ? {} : { hint: bad.hint }),
    });
    expect(found?.message.length).toBeGreaterThan(5);
    expect(result.tools).toEqual([]);
  });

  it('accepts a nested object under the gateway target', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'a.yaml'),
      'name: a\ndescription: b\nparameters:\n  address: { type: object }\nendpoint: https://a.example.com/a\n',
    );
    const result = await loadTools(['a.yaml'], { cwd: dir, target: 'gateway' });
    expect(result.issues).toEqual([]);
    expect(result.tools).toHaveLength(1);
  });

  it('reports every problem of a file, not only the first', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'a.yaml'),
      `name: 9a\ndescription: ${'d'.repeat(256)}\ncolour: red\nparameters:\n  day: { type: date }\n  orgId: { type: object }\n`,
    );
    const result = await loadTools(['a.yaml'], { cwd: dir, target: 'data-actions' });
    expect(result.issues.map((i) => i.code).sort()).toEqual([
      'DEFINITION_DESCRIPTION_TOO_LONG',
      'DEFINITION_INVALID_NAME',
      'DEFINITION_UNKNOWN_FIELD',
      'DEFINITION_UNSUPPORTED_TYPE',
    ]);
  });
});

describe('loadTools: paths and duplicates', () => {
  it('reports a duplicate tool name naming both files, and keeps the first', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.yaml'), 'name: same\ndescription: first\n');
    writeFileSync(join(dir, 'b.json'), '{"name":"same","description":"second"}');
    const result = await loadTools(['.'], { cwd: dir });
    expect(result.tools.map((t) => t.description)).toEqual(['first']);
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({
      code: 'DEFINITION_DUPLICATE_NAME',
      file: 'b.json',
      tool: 'same',
    });
    expect(result.issues[0]?.message).toContain('a.yaml');
    expect(result.issues[0]?.message).toContain('b.json');
  });

  it('loads a file named twice only once', async () => {
    const result = await loadTools(
      ['test/fixtures/manifests/lookup.yaml', 'test/fixtures/manifests'],
      { cwd },
    );
    expect(result.issues).toEqual([]);
    expect(result.tools).toHaveLength(3);
  });

  it.each([
    ['a missing path', 'nope', 'no such file or directory'],
    ['a directory without tool files', 'empty', 'holds no tool files'],
    ['a file that is not a tool', 'notes.txt', 'not a tool file'],
  ])('reports %s as DEFINITION_NOT_FOUND', async (_label, path, text) => {
    const dir = tempDir();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    const result = await loadTools([path], { cwd: dir });
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'DEFINITION_NOT_FOUND', file: path }),
    ]);
    expect(result.issues[0]?.message).toContain(text);
  });

  it('refuses unknown options', async () => {
    await expect(loadTools([], { cwd, colour: 'red' } as never)).rejects.toMatchObject({
      code: 'DEFINITION_INVALID',
    });
  });
});

describe('fileKind', () => {
  it.each([
    ['tools/a.yaml', false, 'yaml'],
    ['tools/a.yml', false, 'yaml'],
    ['tools/a.json', false, 'json'],
    ['tools/a.tool.ts', false, 'module'],
    ['tools/a.tool.js', false, 'module'],
    ['tools/helper.ts', false, undefined],
    ['tools/helper.ts', true, 'module'],
    ['tools/package.json', false, undefined],
    ['tools/tsconfig.build.json', false, undefined],
    ['genesys-tools.config.yaml', false, undefined],
    ['tools/.hidden.yaml', false, undefined],
    ['tools/package.json', true, 'json'],
    ['tools/README.md', true, undefined],
  ])('classifies %s (named explicitly: %s) as %s', (path, explicit, kind) => {
    expect(fileKind(path, explicit)).toBe(kind);
  });
});
