/**
 * The one Ajv 2020 instance of the definition room: meta-schema checks and compiled validators.
 * Shared on purpose (compiling is the expensive part and its cache is per instance); it holds no
 * state a caller can observe besides that cache.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';

function createAjv(): Ajv2020 {
  // strict: false because tool authors may carry annotation keywords (examples, x-*) that strict
  // mode refuses; the capability matrix reports what matters. allErrors so that a bad call lists
  // every bad path (DESIGN "Invocation contract": INVALID_PARAMETERS lists each path).
  // logger: false because a library must not write to the console; unknown formats are
  // annotations (JSON Schema 2020-12 §7.2) and are ignored without a word.
  // addUsedSchema: false so that two tools whose schemas carry the same `$id` do not collide in
  // the instance's schema registry.
  // ownProperties: true so that `required`, `properties` and `additionalProperties` look at the
  // value's own keys only: without it `{}` carries a required `toString` (inherited), and an
  // optional `constructor` is checked against Object itself (issue 14 item 10).
  const ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    validateFormats: true,
    logger: false,
    addUsedSchema: false,
    ownProperties: true,
  });
  formatsModule.default(ajv);
  return ajv;
}

/** The shared Ajv 2020 instance (formats enabled). */
export const ajv: Ajv2020 = createAjv();
