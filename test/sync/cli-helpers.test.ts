import { describe, expect, it } from 'vitest';
import { inputTypes, paramsToInput } from '../../src/cli/commands/invoke.js';
import { renderTable } from '../../src/cli/commands/list.js';
import { progressLine } from '../../src/cli/commands/sync-common.js';
import type { RemoteEntry } from '../../src/registry/index.js';
import type { ChangeEvent } from '../../src/sync/index.js';

const types = { sku: 'string', qty: 'integer', price: 'number', gift: 'boolean' };

describe('invoke --param', () => {
  it.each([
    [['sku=A-1'], { sku: 'A-1' }],
    [['sku=123'], { sku: '123' }],
    [['qty=3', 'price=2.5', 'gift=true'], { qty: 3, price: 2.5, gift: true }],
    [['sku=a=b'], { sku: 'a=b' }],
    [['other=x'], { other: 'x' }],
  ])('turns %j into %j using the declared types', (pairs, expected) => {
    expect(paramsToInput(pairs, types)).toEqual(expected);
  });

  it.each([[['qty=1.5']], [['qty=']], [['price=abc']], [['gift=yes']], [['noequals']], [['=x']]])(
    'refuses %j with CONFIG_USAGE',
    (pairs) => {
      expect(() => paramsToInput(pairs, types)).toThrow(
        expect.objectContaining({ code: 'CONFIG_USAGE' }),
      );
    },
  );

  it('reads input types from a data action contract and from a gateway schema', () => {
    const base = {
      id: '1',
      name: 't',
      version: 1,
      managed: true,
      status: undefined,
      endpoint: undefined,
      modifiedAt: undefined,
      fingerprint: 'f',
    };
    const action: RemoteEntry = {
      ...base,
      spec: {
        fixed: { contract: { input: { properties: { qty: { type: 'integer' } } } } },
        mutable: {},
      },
    };
    const gateway: RemoteEntry = {
      ...base,
      spec: { fixed: {}, mutable: { schema: { properties: { gift: { type: 'boolean' } } } } },
    };
    expect(inputTypes(action)).toEqual({ qty: 'integer' });
    expect(inputTypes(gateway)).toEqual({ gift: 'boolean' });
  });
});

describe('progress lines and tables', () => {
  const event = (over: Partial<ChangeEvent>): ChangeEvent => ({
    kind: 'create',
    name: 'tool_a',
    outcome: 'applied',
    remoteId: 'id-1',
    previousId: undefined,
    correlationId: undefined,
    reconciled: false,
    error: undefined,
    done: 3,
    total: 12,
    ...over,
  });

  it.each([
    [event({}), '[ 3/12] + create tool_a: applied (id id-1)'],
    [
      event({ kind: 'replace', previousId: 'old' }),
      '[ 3/12] -/+ replace tool_a: applied (id old -> id-1)',
    ],
    [
      event({ kind: 'delete', remoteId: undefined, previousId: 'old' }),
      '[ 3/12] - delete tool_a: applied (id old)',
    ],
    [
      event({
        outcome: 'failed',
        remoteId: undefined,
        error: { code: 'GENESYS_VALIDATION', message: 'bad' },
      }),
      '[ 3/12] + create tool_a: failed: GENESYS_VALIDATION: bad',
    ],
    [
      event({ reconciled: true }),
      '[ 3/12] + create tool_a: applied (id id-1) (found already created after a lost answer)',
    ],
  ])('prints %j as %s', (e, line) => {
    expect(progressLine(e)).toBe(line);
  });

  it('pads columns to their widest cell', () => {
    expect(
      renderTable([
        ['NAME', 'ID'],
        ['a_long_name', '1'],
        ['b', '22'],
      ]),
    ).toBe('NAME         ID\na_long_name  1\nb            22');
  });
});
