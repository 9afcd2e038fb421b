import type { Logger } from '../../../src/deps.js';

/** A logger that keeps every line (level, fields, message) as JSON text. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const at =
      (level: string) =>
      (obj: Record<string, unknown>, msg?: string): void => {
        lines.push(JSON.stringify({ level, ...bindings, ...obj, msg }));
      };
    return {
      trace: at('trace'),
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return { logger: make({}), lines };
}
