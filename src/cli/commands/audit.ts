/**
 * `genesys-tools audit verify FILE... [--json]`: checks the hash chain of audit files (rotated
 * files first, the current one last) and names the first broken or missing record. Exit 1 on any
 * break (DESIGN "Telemetry and audit").
 */
import type { Command } from 'commander';
import { orderAuditFiles, verifyAuditFiles } from '../../telemetry/index.js';
import type { AuditVerification } from '../../telemetry/index.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** What `audit verify --json` prints. */
export interface AuditVerifyReport extends AuditVerification {
  /** The files in the order they were checked. */
  readonly files: readonly string[];
}

function render(report: AuditVerifyReport): string {
  const files = `${report.files.length} file${report.files.length === 1 ? '' : 's'}`;
  if (report.firstBreak === undefined) {
    return `audit chain ok: ${report.records} records in ${files}\n`;
  }
  const b = report.firstBreak;
  return (
    `audit chain BROKEN at ${b.file}:${b.line}: ${b.reason}\n` +
    `  ${report.records} records before it verified; keep the file as evidence.\n`
  );
}

/** Registers `audit verify`. */
export function register(program: Command, ctx: CliContext): void {
  const audit = program.command('audit').description('Work with the audit log');
  audit
    .command('verify')
    .description('Check the hash chain of audit files and name the first broken or missing record')
    .argument('<files...>', 'audit files; rotated files (FILE.1, FILE.2, ...) are put before FILE')
    .option('--json', 'print the result as JSON')
    .action(async (files: string[], options: { json?: boolean }) => {
      const ordered = orderAuditFiles(files);
      const result = await verifyAuditFiles(ordered);
      const report: AuditVerifyReport = { ...result, files: ordered };
      ctx.stdout(options.json === true ? `${JSON.stringify(report, null, 2)}\n` : render(report));
      ctx.exitCode = result.ok ? EXIT.ok : EXIT.failure;
    });
}
