/** Options of the registry targets, parsed once at the boundary (STYLE §5). */
import type { z } from 'zod';
import { ConfigError } from '../errors.js';

/**
 * Parses options, naming bad ones (never their values).
 * @throws ConfigError CONFIG_INVALID naming each bad option.
 */
export function parseRegistryOptions<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where: string,
): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join('.') || '(root)'}: ${i.message}`,
    );
    throw new ConfigError('CONFIG_INVALID', `${where}: ${problems.join('; ')}`, {
      details: { options: parsed.error.issues.map((i) => i.path.join('.')) },
    });
  }
  return parsed.data;
}
