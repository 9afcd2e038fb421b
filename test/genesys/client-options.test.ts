import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { createGenesysClient, requireCredentials, resolveHosts } from '../../src/genesys/index.js';
import { renewAtMs } from '../../src/genesys/token-provider.js';
import { fillRoute, queryString } from '../../src/genesys/route.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('client options', () => {
  it.each<[Record<string, string>, string, string]>([
    [{ region: 'us-east-1' }, 'https://api.mypurecloud.com', 'https://login.mypurecloud.com'],
    [{ region: 'mypurecloud.ie' }, 'https://api.mypurecloud.ie', 'https://login.mypurecloud.ie'],
    [{ apiUrl: 'http://127.0.0.1:8080/' }, 'http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    [
      { apiUrl: 'http://127.0.0.1:8080', loginUrl: 'http://127.0.0.1:9090' },
      'http://127.0.0.1:8080',
      'http://127.0.0.1:9090',
    ],
    [
      { region: 'eu-central-1', apiUrl: 'https://proxy.example.com/genesys' },
      'https://proxy.example.com/genesys',
      'https://login.mypurecloud.de',
    ],
  ])('resolves %j to API %s and login %s', (input, apiUrl, loginUrl) => {
    expect(resolveHosts(input)).toMatchObject({ apiUrl, loginUrl });
  });

  it('asks for a region or an API URL when neither is set', () => {
    expect(thrown(() => resolveHosts({}))).toMatchObject({
      code: 'CONFIG_MISSING',
      details: { variables: ['GENESYS_CLOUD_REGION', 'GENESYS_CLOUD_API_URL'] },
    });
  });

  it.each([
    [{}, ['GENESYS_CLOUD_CLIENT_ID', 'GENESYS_CLOUD_CLIENT_SECRET']],
    [{ clientId: 'id' }, ['GENESYS_CLOUD_CLIENT_SECRET']],
    [{ clientSecret: 'secret' }, ['GENESYS_CLOUD_CLIENT_ID']],
  ])('names the missing credential variables of %j', (input, variables) => {
    const error = thrown(() => requireCredentials(input));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'CONFIG_MISSING', details: { variables } });
    for (const v of variables) expect((error as Error).message).toContain(v);
  });

  it.each<[string, Record<string, unknown>]>([
    ['an unknown option', { colour: 'blue' }],
    ['a zero attempt count', { maxAttempts: 0 }],
    ['a non-http API URL', { apiUrl: 'ftp://example.com' }],
    ['a negative rate', { requestsPerMinute: -1 }],
    ['an unknown backoff key', { backoff: { baseMs: 1, jitter: true } }],
  ])('refuses %s with CONFIG_INVALID', (_, extra) => {
    const error = thrown(() =>
      createGenesysClient({
        region: 'us-east-1',
        clientId: 'id',
        clientSecret: 's3cret',
        ...extra,
      }),
    );
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('refuses an unknown region with CONFIG_UNKNOWN_REGION', () => {
    expect(
      thrown(() => createGenesysClient({ region: 'us-east-9', clientId: 'id', clientSecret: 's' })),
    ).toMatchObject({ code: 'CONFIG_UNKNOWN_REGION' });
  });

  it.each([
    // obtained at, lifetime, margin, renew at
    [0, 86_399_000, 60_000, 86_339_000],
    [0, 300_000, 60_000, 240_000],
    [0, 60_000, 60_000, 30_000],
    [1_000, 10_000, 60_000, 6_000],
  ])(
    'a token obtained at %d living %d ms with margin %d is renewed at %d',
    (at, life, margin, expected) => {
      expect(renewAtMs(at, life, margin)).toBe(expected);
    },
  );

  it.each<[string, Record<string, string>, string]>([
    [
      '/api/v2/integrations/actions/{id}',
      { id: 'a b/c' },
      '/api/v2/integrations/actions/a%20b%2Fc',
    ],
    [
      '/api/v2/integrations/actions/{id}/templates/{fileName}',
      { id: 'x', fileName: 'r.vm' },
      '/api/v2/integrations/actions/x/templates/r.vm',
    ],
  ])('fills %s with %j', (route, params, path) => {
    expect(fillRoute(route, params)).toBe(path);
  });

  it.each<[Record<string, string | number | boolean | undefined>, string]>([
    [{}, ''],
    [{ pageSize: 25, pageNumber: 1 }, '?pageSize=25&pageNumber=1'],
    [{ name: 'a b', category: undefined, includeConfig: true }, '?name=a+b&includeConfig=true'],
  ])('builds the query of %j', (query, text) => {
    expect(queryString(query)).toBe(text);
  });
});
