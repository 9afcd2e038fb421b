/** The emulator room's public surface: a local Genesys Cloud for tests and the main job. */
export { createEmulator, MAX_BODY_BYTES } from './create-emulator.js';
export type { Emulator, EmulatorCall } from './create-emulator.js';
export { DEFAULT_CLIENT } from './options.js';
export type { EmulatorOptions, EmulatorClient, FaultSettings } from './options.js';
