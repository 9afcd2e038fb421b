/**
 * `genesys-tools audit verify FILE... [--partial] [--anchor HASH] [--json]`: checks the hash chain
 * of audit files (rotated files first, the current one last) and names the first broken or missing
 * record. Exit 1 on any break (DESIGN "Telemetry and audit").
 * `genesys-tools audit head FILE [--json]`: prints the hash of the chain's last record, the value a
 * SIEM anchors so that `verify --anchor` can later see truncation or a rewritten chain.
 */
import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { orderAuditFiles, readChainHead, verifyAuditFiles } from '../../telemetry/index.js';
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
    const after =
      report.startsAfter === undefined ? '' : `  the first record follows ${report.startsAfter}\n`;
    const head = report.head === undefined ? '' : `  head ${report.head}\n`;
    return `audit chain ok: ${report.records} records in ${files}\n${after}${head}`;
  }
  const b = report.firstBreak;
  return (
    `audit chain BROKEN at ${b.file}:${b.line}: ${b.reason}\n` +
    `  ${report.records} records before it verified; keep the file as evidence.\n`
  );
}

const HEX64 = /^[0-9a-f]{64}$/;

interface VerifyFlags {
  readonly json?: boolean;
  readonly partial?: boolean;
  readonly anchor?: string;
}

/** Registers `audit verify` and `audit head`. */
export function register(program: Command, ctx: CliContext): void {
  const audit = program.command('audit').description('Work with the audit log');
  audit
    .command('verify')
    .description('Check the hash chain of audit files and name the first broken or missing record')
    .argument('<files...>', 'audit files; rotated files (FILE.1, FILE.2, ...) are put before FILE')
    .option(
      '--partial',
      'the first record need not start the chain (older files dropped by retention)',
    )
    .option('--anchor <hash>', 'a head hash anchored earlier (audit head): it must be in the chain')
    .option('--json', 'print the result as JSON')
    .action(async (files: string[], options: VerifyFlags) => {
      if (options.anchor !== undefined && !HEX64.test(options.anchor)) {
        throw new ConfigError(
          'CONFIG_USAGE',
          'audit verify: --anchor expects a hash of 64 lower-case hex digits (from audit head)',
        );
      }
      const ordered = orderAuditFiles(files);
      const result = await verifyAuditFiles(ordered, {
        ...(options.partial === true ? { partial: true } : {}),
        ...(options.anchor === undefined ? {} : { anchor: options.anchor }),
      });
      const report: AuditVerifyReport = { ...result, files: ordered };
      ctx.stdout(options.json === true ? `${JSON.stringify(report, null, 2)}\n` : render(report));
      ctx.exitCode = result.ok ? EXIT.ok : EXIT.failure;
    });
  audit
    .command('head')
    .description(
      "Print the hash of the audit chain's last record (the current file, else its newest rotated file)",
    )
    .argument('<file>', 'the current audit file')
    .option('--json', 'print { file, head } as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const head = await readChainHead(file);
      if (options.json === true) {
        ctx.stdout(`${JSON.stringify({ file, head: head ?? null }, null, 2)}\n`);
      } else {
        ctx.stdout(head === undefined ? `no records in ${file}\n` : `${head}\n`);
      }
      ctx.exitCode = head === undefined ? EXIT.failure : EXIT.ok;
    });
}
