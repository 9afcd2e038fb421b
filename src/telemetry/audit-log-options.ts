/** Options of `createAuditLog`, parsed once (STYLE §5); every default lives here. */
import { z } from 'zod';
import { MIN_HMAC_KEY_LENGTH } from './audit-key.js';

const MIB = 1024 * 1024;

/** Options of `createAuditLog`. */
export const AuditLogOptionsSchema = z
  .strictObject({
    /** The current audit file; rotated files are `FILE.1`, `FILE.2`, ... (oldest lowest). */
    file: z.string().min(1),
    sink: z.enum(['file', 'stdout']).default('file'),
    /**
     * The replica writing this file (issue 16, item 3), stored in every record. The CLI puts it
     * in the file name too; unset: records carry no instance (one writer, as before issue 16).
     */
    instanceId: z.string().min(1).max(64).optional(),
    /**
     * `fsync` (the default): an append resolves once its record is written and fsync'ed (group
     * commit), so it survives power loss. `write`: once it is written to the OS, which keeps it
     * through a crash of the process (kill -9) but not through power loss or an OS crash; the file
     * is fsync'ed in the background every `fsyncIntervalMs` while records are pending (issue 18).
     */
    durability: z.enum(['fsync', 'write']).default('fsync'),
    /** With `durability: 'write'`: the most time between a record's write and its fsync. */
    fsyncIntervalMs: z.number().int().min(1).max(60_000).default(1000),
    /** Rotate before a batch would take the file past this size. */
    maxBytes: z
      .number()
      .int()
      .min(1024)
      .default(64 * MIB),
    /**
     * Retention: most files kept, the current one included; the oldest rotated files are dropped
     * first (a log line and the `genesys_tools.audit.files_dropped` metric say so). 0: no limit.
     */
    maxFiles: z
      .number()
      .int()
      .refine((n) => n === 0 || n >= 2, 'expected 0 (no limit) or at least 2')
      .default(20),
    /** Retention: most bytes kept over all files. 0: no limit. */
    maxTotalBytes: z
      .number()
      .int()
      .min(0)
      .default(1024 * MIB),
    /** A record longer than this is refused (AUDIT_RECORD_TOO_LARGE); the server bounds ids well below. */
    maxRecordBytes: z
      .number()
      .int()
      .min(1024)
      .max(MIB)
      .default(16 * 1024),
    /**
     * How long the first append of a batch waits for company before the batch is written. 0 (the
     * default): no timer; the batch is written at the next turn of the event loop, and appends that
     * arrive while it is being fsync'ed form the next batch, written as soon as that fsync completes.
     * Under load the fsync is the batching window; a timer only adds its wait to every call's latency
     * (bench/telemetry.ts).
     */
    flushIntervalMs: z.number().int().min(0).max(1000).default(0),
    /** A batch is written at once when it holds this many appends. */
    maxBatch: z.number().int().min(1).max(10_000).default(256),
    /** Refused calls are summed over this interval: one record per reason and interval. */
    refusalIntervalMs: z.number().int().min(100).max(3_600_000).default(10_000),
    /** While the sink fails, a probe record is tried this often; readiness returns when it lands. */
    probeIntervalMs: z.number().int().min(10).max(600_000).default(5000),
    /**
     * Key of the parameters' HMAC (a secret). Unset: a key is generated once and kept 0600 in
     * `FILE.hmac-key` (the stdout sink uses a key for the run only).
     */
    hmacKey: z
      .string()
      .min(MIN_HMAC_KEY_LENGTH, `expected at least ${MIN_HMAC_KEY_LENGTH} characters`)
      .optional(),
  })
  .refine((o) => o.maxTotalBytes === 0 || o.maxTotalBytes >= 2 * o.maxBytes, {
    message: 'expected 0 (no limit) or at least twice maxBytes (the current file and one rotated)',
    path: ['maxTotalBytes'],
  });

/** Options of `createAuditLog` as callers write them. */
export type AuditLogOptions = z.input<typeof AuditLogOptionsSchema>;
