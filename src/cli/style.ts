import type { CliContext } from './context.js';

/** Colours for the CLI's own labels; identity functions when colour is off. */
export interface Style {
  readonly error: (text: string) => string;
  readonly warning: (text: string) => string;
  readonly dim: (text: string) => string;
}

// SGR codes written out rather than node:util styleText: from Node 22 styleText checks
// process.stdout itself, while the decision here belongs to the command's context.
const SGR = { error: '1;31', warning: '1;33', dim: '2' } as const;

/**
 * Colour only on a terminal, never with `--json`, and never when NO_COLOR is set to anything but
 * the empty string (https://no-color.org).
 */
export function cliStyle(ctx: Pick<CliContext, 'isTty' | 'env'>, json: boolean): Style {
  const on = ctx.isTty && !json && (ctx.env['NO_COLOR'] ?? '') === '';
  const paint =
    (code: string) =>
    (text: string): string =>
      on ? `\u001b[${code}m${text}\u001b[0m` : text;
  return { error: paint(SGR.error), warning: paint(SGR.warning), dim: paint(SGR.dim) };
}
