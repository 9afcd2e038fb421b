import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { tempDir } from '../support/temp-dir.js';

describe('secrets from files (NAME_FILE)', () => {
  it('reads a token list from a file, one per line, as the environment variable would hold it', () => {
    const file = join(tempDir(), 'tokens');
    writeFileSync(file, 'new-token-123\nold-token-456\n');
    const config = loadEnvConfig({ GENESYS_TOOLS_BEARER_TOKEN_FILE: file });
    expect(config.bearerTokens).toEqual(['new-token-123', 'old-token-456']);
  });

  it('reads the client secret from a file', () => {
    const file = join(tempDir(), 'secret');
    writeFileSync(file, '  s3cr3t-value \n');
    expect(loadEnvConfig({ GENESYS_CLOUD_CLIENT_SECRET_FILE: file }).clientSecret).toBe(
      's3cr3t-value',
    );
  });

  it('refuses both NAME and NAME_FILE', () => {
    expect(() =>
      loadEnvConfig({
        GENESYS_TOOLS_BEARER_TOKEN: 'a-token',
        GENESYS_TOOLS_BEARER_TOKEN_FILE: '/x',
      }),
    ).toThrow(/GENESYS_TOOLS_BEARER_TOKEN or GENESYS_TOOLS_BEARER_TOKEN_FILE, not both/);
  });

  it('names the variable and the path of an unreadable file, never a value', () => {
    const error = (() => {
      try {
        loadEnvConfig({ GENESYS_TOOLS_SIGNING_SECRET_FILE: '/nonexistent/secret' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as ConfigError).message).toMatch(
      /GENESYS_TOOLS_SIGNING_SECRET_FILE: cannot read \/nonexistent\/secret \(ENOENT\)/,
    );
  });

  it('checks file values like environment values', () => {
    const file = join(tempDir(), 'basic');
    writeFileSync(file, 'no-colon-here\n');
    expect(() => loadEnvConfig({ GENESYS_TOOLS_BASIC_AUTH_FILE: file })).toThrow(
      /GENESYS_TOOLS_BASIC_AUTH \(entry 1\): expected user:password/,
    );
  });
});
