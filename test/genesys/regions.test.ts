import { describe, expect, it } from 'vitest';
import platformClient from 'purecloud-platform-client-v2';
import { ConfigError } from '../../src/errors.js';
import { REGIONS, resolveRegion } from '../../src/genesys/index.js';
import { editDistance } from '../../src/genesys/regions.js';

describe('regions', () => {
  it('has the same 18 regions and domains as the official SDK', () => {
    const sdk: Record<string, string> = platformClient.PureCloudRegionHosts;
    const ours = Object.fromEntries(REGIONS.map((r) => [r.sdkKey, r.domain]));
    expect(REGIONS).toHaveLength(18);
    expect(ours).toEqual(sdk);
  });

  it.each([
    ['us-east-1', 'mypurecloud.com'],
    ['us_east_1', 'mypurecloud.com'],
    ['mypurecloud.com', 'mypurecloud.com'],
    ['usw2.pure.cloud', 'usw2.pure.cloud'],
    ['US-WEST-2', 'usw2.pure.cloud'],
    [' eu-west-1 ', 'mypurecloud.ie'],
    ['https://api.mypurecloud.de', 'mypurecloud.de'],
    ['login.apne2.pure.cloud', 'apne2.pure.cloud'],
    ['eusc_de_east_1', 'edee1.eusc-pure.cloud'],
  ])('resolves %j to the domain %s', (input, domain) => {
    const region = resolveRegion(input);
    expect(region.domain).toBe(domain);
    expect(region.apiUrl).toBe(`https://api.${domain}`);
    expect(region.loginUrl).toBe(`https://login.${domain}`);
  });

  it.each([
    ['us-east-3', 'us-east-1'],
    ['eu-wset-1', 'eu-west-1'],
    ['mypurecloud.co', 'mypurecloud.com'],
  ])('refuses %j and suggests %s', (input, suggestion) => {
    const error = catchError(() => resolveRegion(input));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'CONFIG_UNKNOWN_REGION', details: { suggestion } });
    expect((error as ConfigError).message).toContain(`Did you mean "${suggestion}"?`);
    expect((error as ConfigError).message).toContain('ap-southeast-2 (mypurecloud.com.au)');
  });

  it('refuses the tutorial host api.us-east-1.mypurecloud.com', () => {
    expect(() => resolveRegion('api.us-east-1.mypurecloud.com')).toThrow(ConfigError);
  });

  it('gives no suggestion for something far from every region', () => {
    const error = catchError(() => resolveRegion('completely-wrong-value'));
    expect(error).toMatchObject({ code: 'CONFIG_UNKNOWN_REGION' });
    expect((error as ConfigError).details).not.toHaveProperty('suggestion');
  });

  it.each([
    ['', '', 0],
    ['abc', 'abc', 0],
    ['abc', 'abd', 1],
    ['kitten', 'sitting', 3],
  ])('edit distance of %j and %j is %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
