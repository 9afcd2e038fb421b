/** The sync room's public surface (STYLE §2). */
export { planSync, summarisePlan, hasChanges, remoteFingerprint } from './plan.js';
export type { Plan, Change, ChangeKind, DeleteReason, PlanOptions, PlanSummary } from './plan.js';
export { renderPlan, renderSummaryLine, renderDiffLine, planToJson } from './render.js';
export type { ChangeJson } from './render.js';
export { descriptionNotes, renderDescriptionNotes } from './descriptions.js';
export type { BoundBy, DescriptionDrift, DescriptionNote } from './descriptions.js';
export {
  applyPlan,
  assertApplicable,
  ApplyOptionsSchema,
  isAmbiguousFailure,
  backoffMs,
} from './apply.js';
export type { ApplyOptions, ApplyResult, ChangeEvent, Outcome } from './apply.js';
export { serialisePlan, parsePlanFile, assertPlanFresh } from './plan-file.js';
export type { SavedPlan } from './plan-file.js';
export { progressText, seconds, safeProgress, PROGRESS_AFTER_MS } from './progress.js';
export type { ProgressEvent, ProgressListener } from './progress.js';
