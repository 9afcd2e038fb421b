/**
 * Persistence of the emulator's state: in memory by default; with a data directory, one JSON
 * file written atomically (temp file, fsync, rename) after every change. A file that cannot be
 * parsed is reported with EMULATOR_STORE_CORRUPT, never replaced by an empty state.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { EmulatorError } from '../errors.js';
import type { EmulatorState } from './state.js';
import { emptyState, serializeState, StateFileSchema, stateFromFile } from './state.js';

/** Name of the state file inside the data directory. */
export const STATE_FILE = 'emulator-state.json';

/** The state and the way to keep it. */
export interface Store {
  readonly state: EmulatorState;
  /** Writes the state to disk (no-op in memory). */
  save(): void;
}

/**
 * Opens the store: an empty in-memory state, or the state kept in `dataDir`.
 * @throws EmulatorError EMULATOR_STORE_CORRUPT when the file exists but is not a valid state.
 */
export function openStore(dataDir: string | undefined): Store {
  if (dataDir === undefined) return { state: emptyState(), save: () => undefined };
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, STATE_FILE);
  const state = loadState(file);
  return {
    state,
    save: () => {
      writeAtomically(file, `${JSON.stringify(serializeState(state))}\n`);
    },
  };
}

function loadState(file: string): EmulatorState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (isNotFound(error)) return emptyState();
    throw new EmulatorError('EMULATOR_STORE_CORRUPT', `cannot read ${file}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new EmulatorError('EMULATOR_STORE_CORRUPT', `${file} is not valid JSON`, {
      cause: error,
      details: { file },
    });
  }
  const parsed = StateFileSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues
      .slice(0, 5)
      .map((i) => `/${i.path.map(String).join('/')}: ${i.message}`);
    throw new EmulatorError(
      'EMULATOR_STORE_CORRUPT',
      `${file} does not hold an emulator state (${where.join('; ')})`,
      { details: { file } },
    );
  }
  return stateFromFile(parsed.data);
}

// Write the whole file next to the target, flush it to disk, then rename over the target: a
// crash leaves either the old or the new file, never a half-written one.
function writeAtomically(file: string, text: string): void {
  const temp = `${file}.${String(process.pid)}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}
