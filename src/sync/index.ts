/** The sync room's public surface (STYLE §2). */
export { planSync, summarisePlan, hasChanges, remoteFingerprint } from './plan.js';
export type { Plan, Change, ChangeKind, DeleteReason, PlanOptions, PlanSummary } from './plan.js';
export { renderPlan, renderSummaryLine, renderDiffLine, planToJson } from './render.js';
export type { ChangeJson } from './render.js';
export { applyPlan, ApplyOptionsSchema, isAmbiguousFailure, backoffMs } from './apply.js';
export type { ApplyOptions, ApplyResult, ChangeEvent, Outcome } from './apply.js';
