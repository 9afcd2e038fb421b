/**
 * The commands of `genesys-tools`. Each module exports `register(program, ctx)`; add new ones to
 * this list (one import and one entry each).
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { register as doctor } from './doctor.js';
import { register as plan } from './plan.js';
import { register as apply } from './apply.js';
import { register as destroy } from './destroy.js';
import { register as list } from './list.js';
import { register as invoke } from './invoke.js';
import { register as audit } from './audit.js';
import { register as serve } from './serve.js';
import { register as validate } from './validate.js';
import { register as demo } from './demo.js';
import { register as emulator } from './emulator.js';
import { register as init } from './init.js';
import { register as mcp } from './mcp.js';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const COMMANDS: readonly RegisterCommand[] = [
  doctor,
  plan,
  apply,
  destroy,
  list,
  invoke,
  audit,
  serve,
  validate,
  demo,
  emulator,
  init,
  mcp,
];
