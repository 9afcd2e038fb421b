/** Parsing of factory options at the boundary (STYLE §5), local to the telemetry room. */
import type { z } from 'zod';
import { ConfigError } from '../errors.js';

/**
 * Parses `input` with `schema` once; unknown keys and bad values are errors naming the path.
 * @throws ConfigError CONFIG_INVALID naming each bad option (never its value).
 */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where: string,
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (i) => `${i.path.join('.') || '(options)'}: ${i.message}`,
  );
  throw new ConfigError('CONFIG_INVALID', `${where}: invalid options: ${problems.join('; ')}`, {
    details: { options: parsed.error.issues.map((i) => i.path.join('.')) },
  });
}
