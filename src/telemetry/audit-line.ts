/**
 * One audit record as the line the writer appends: sealed onto the chain and held to the
 * `maxRecordBytes` cap. Pure.
 */
import { tooLarge } from './audit-file.js';
import { sealNextRecord } from './audit-record.js';
import type { AuditInput, AuditRecord } from './audit-record.js';

/**
 * Seals `input` after the record whose hash is `previous`, as a newline-terminated line.
 * @throws AuditError AUDIT_RECORD_TOO_LARGE when the line is over `maxRecordBytes`.
 */
export function sealAuditLine(
  input: AuditInput,
  previous: string | undefined,
  hmacKey: string,
  maxRecordBytes: number,
): { line: string; record: AuditRecord } {
  const sealed = sealNextRecord(
    previous === undefined ? undefined : { hash: previous },
    input,
    hmacKey,
  );
  const record = sealed.record;
  const line = `${sealed.line}\n`;
  // length ≤ bytes ≤ 3 × length: the exact count only when the cheap bounds do not decide.
  if (line.length > maxRecordBytes) throw tooLarge(Buffer.byteLength(line), maxRecordBytes);
  if (line.length * 3 > maxRecordBytes && Buffer.byteLength(line) > maxRecordBytes) {
    throw tooLarge(Buffer.byteLength(line), maxRecordBytes);
  }
  return { line, record };
}
