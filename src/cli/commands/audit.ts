/**
 * `genesys-tools audit verify FILE... [--partial] [--anchor HASH] [--json]`: checks the hash chain
 * of audit files (rotated files first, the current one last) and names the first broken or missing
 * record. Exit 1 on any break (DESIGN "Telemetry and audit").
 * `genesys-tools audit verify DIR... [--partial] [--json]`: checks every chain in the directories
 * (one per replica, with its rotated files: issue 16, item 3), one report per chain; exit 1 if any
 * chain breaks or none is found.
 * `genesys-tools audit head FILE [--json]`: prints the hash of the chain's last record, the value a
 * SIEM anchors so that `verify --anchor` can later see truncation or a rewritten chain.
 */
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import {
  auditChainsIn,
  orderAuditFiles,
  readChainHead,
  verifyAuditFiles,
} from '../../telemetry/index.js';
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

/** What `audit verify DIR... --json` prints: one report per chain. */
export interface AuditDirectoryReport {
  readonly ok: boolean;
  readonly directories: readonly string[];
  readonly chains: readonly AuditVerifyReport[];
}

function renderDirectories(report: AuditDirectoryReport): string {
  if (report.chains.length === 0) {
    return `no audit files in ${report.directories.join(', ')}\n`;
  }
  const lines = report.chains.map((c) => {
    const name = c.files.at(-1) ?? '';
    if (c.firstBreak === undefined) return `ok      ${name}: ${c.records} records\n`;
    const b = c.firstBreak;
    return `BROKEN  ${name}: at ${b.file}:${b.line}: ${b.reason} (${c.records} records before it)\n`;
  });
  const broken = report.chains.filter((c) => !c.ok).length;
  const summary = broken === 0 ? 'all ok' : `${broken} broken: keep the files as evidence`;
  return `${lines.join('')}${report.chains.length} chain(s), ${summary}\n`;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/** Verifies every chain in `dirs`, each on its own. */
async function verifyDirectories(
  dirs: readonly string[],
  partial: boolean,
): Promise<AuditDirectoryReport> {
  const chains: AuditVerifyReport[] = [];
  for (const dir of dirs) {
    for (const files of await auditChainsIn(dir)) {
      const result = await verifyAuditFiles(files, partial ? { partial: true } : {});
      chains.push({ ...result, files });
    }
  }
  const ok = chains.length > 0 && chains.every((c) => c.ok);
  return { ok, directories: dirs, chains };
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
    .argument(
      '<paths...>',
      "audit files of one chain (rotated files FILE.1, FILE.2, ... are put before FILE), or directories: each replica's chain in them is checked on its own",
    )
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
      const dirs = await Promise.all(files.map(isDirectory));
      if (dirs.some(Boolean)) {
        if (!dirs.every(Boolean) || options.anchor !== undefined) {
          throw new ConfigError(
            'CONFIG_USAGE',
            'audit verify: give directories, or the files of one chain; --anchor needs the files of the chain it belongs to',
          );
        }
        const report = await verifyDirectories(files, options.partial === true);
        const text = options.json === true ? `${JSON.stringify(report, null, 2)}\n` : null;
        ctx.stdout(text ?? renderDirectories(report));
        ctx.exitCode = report.ok ? EXIT.ok : EXIT.failure;
        return;
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
