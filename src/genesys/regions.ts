/**
 * The Genesys Cloud regions and their hosts (reference §2). An org lives in exactly one region;
 * the API host is `api.{domain}` and the login host `login.{domain}`.
 */
import { ConfigError } from '../errors.js';

/** One Genesys Cloud region: its names and its two hosts. */
export interface Region {
  /** AWS region name, as Terraform's `aws_region` (`us-east-1`). */
  readonly awsRegion: string;
  /** Key in the JS SDK's `PureCloudRegionHosts` (`us_east_1`). */
  readonly sdkKey: string;
  /** The region's domain (`mypurecloud.com`). */
  readonly domain: string;
  /** `https://api.{domain}` */
  readonly apiUrl: string;
  /** `https://login.{domain}` */
  readonly loginUrl: string;
  /** Friendly name where the Resource Center gives one. */
  readonly name?: string;
}

function region(awsRegion: string, domain: string, name?: string): Region {
  const base = {
    awsRegion,
    sdkKey: awsRegion.replace(/-/g, '_'),
    domain,
    apiUrl: `https://api.${domain}`,
    loginUrl: `https://login.${domain}`,
  };
  return Object.freeze(name === undefined ? base : { ...base, name });
}

/** The 18 regions of reference §2, in its order. */
export const REGIONS: readonly Region[] = Object.freeze([
  region('us-east-1', 'mypurecloud.com', 'Americas (US East)'),
  region('us-east-2', 'use2.us-gov-pure.cloud', 'Americas (US East 2)'),
  region('us-west-2', 'usw2.pure.cloud', 'Americas (US West)'),
  region('ca-central-1', 'cac1.pure.cloud', 'Americas (Canada)'),
  region('sa-east-1', 'sae1.pure.cloud', 'Americas (São Paulo)'),
  region('mx-central-1', 'mxc1.pure.cloud'),
  region('eu-west-1', 'mypurecloud.ie'),
  region('eu-west-2', 'euw2.pure.cloud'),
  region('eu-central-1', 'mypurecloud.de'),
  region('eu-central-2', 'euc2.pure.cloud'),
  region('me-central-1', 'mec1.pure.cloud'),
  region('ap-southeast-2', 'mypurecloud.com.au'),
  region('ap-northeast-1', 'mypurecloud.jp'),
  region('ap-northeast-2', 'apne2.pure.cloud', 'Asia Pacific (Seoul)'),
  region('ap-northeast-3', 'apne3.pure.cloud', 'Asia Pacific (Osaka)'),
  region('ap-south-1', 'aps1.pure.cloud', 'Asia Pacific (Mumbai)'),
  region('ap-southeast-1', 'apse1.pure.cloud'),
  region('eusc-de-east-1', 'edee1.eusc-pure.cloud'),
]);

/**
 * Normalises what a user may type: case, surrounding blanks, a scheme, and a leading `api.` or
 * `login.` (the JS SDK's `setEnvironment` strips the same), and a trailing slash or path.
 */
export function normaliseRegionInput(input: string): string {
  return input
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '')
    .replace(/^(api|login)\./, '');
}

/**
 * Finds the region named by an AWS region name (`us-east-1`), an SDK key (`us_east_1`) or a
 * domain (`mypurecloud.com`, `api.usw2.pure.cloud`).
 * @throws ConfigError CONFIG_UNKNOWN_REGION listing the valid values and the closest one.
 */
export function resolveRegion(input: string): Region {
  const key = normaliseRegionInput(input);
  const found = REGIONS.find((r) => r.awsRegion === key || r.sdkKey === key || r.domain === key);
  if (found !== undefined) return found;
  const suggestion = closestRegionName(key);
  const hint = suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`;
  throw new ConfigError(
    'CONFIG_UNKNOWN_REGION',
    `GENESYS_CLOUD_REGION "${input.trim()}" is not a Genesys Cloud region.${hint} ` +
      `Valid values: ${REGIONS.map((r) => `${r.awsRegion} (${r.domain})`).join(', ')}; ` +
      'the SDK keys (us_east_1, ...) are accepted too.',
    {
      details: {
        value: input.trim(),
        ...(suggestion === undefined ? {} : { suggestion }),
        valid: REGIONS.map((r) => r.awsRegion),
      },
    },
  );
}

/** The region name or domain closest to `key` by edit distance, if any is reasonably close. */
export function closestRegionName(key: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const r of REGIONS) {
    for (const name of [r.awsRegion, r.domain]) {
      const distance = editDistance(key, name);
      if (best === undefined || distance < best.distance) best = { name, distance };
    }
  }
  if (best === undefined) return undefined;
  return best.distance <= Math.max(2, Math.floor(key.length / 3)) ? best.name : undefined;
}

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
