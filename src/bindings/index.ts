/**
 * The bindings room's public surface (STYLE §2): the tools given to AI Guides and agentic virtual
 * agents (issue 13) — resolve and validate the config, read the guides and agents, plan, render,
 * apply, and find who else uses an action.
 */
export {
  resolveBindings,
  validateBindings,
  assertBindingsValid,
  defaultLabel,
  labelsNamed,
  LABEL_PATTERN,
  GUIDE_ACTION_LIMIT,
  GUIDE_INPUT_LIMIT,
} from './desired.js';
export type { ResolvedBindings } from './desired.js';
export { readRemoteBindings } from './remote.js';
export type { BindingsClient } from './remote.js';
export { planBindings, hasBindingChanges } from './plan.js';
export type { BindingsPlan, GuidePlan, AgentPlan, BindingChange, BindingField } from './plan.js';
export {
  renderBindingsPlan,
  renderBindingLine,
  renderBindingChange,
  bindingsPlanToJson,
} from './render.js';
export type { BindingTargetJson, BindingChangeJson } from './render.js';
export { applyBindings } from './apply.js';
export type { ApplyBindingsOptions, BindingOutcome, BindingProgress } from './apply.js';
export { findConsumers, bindingsUsage } from './consumers.js';
export type { Consumer, ConfiguredTargets } from './consumers.js';
export type {
  ToolRef,
  ToolRefs,
  TargetRef,
  DesiredBindings,
  DesiredGuide,
  DesiredGuideTool,
  DesiredAgent,
  DesiredAgentTool,
  DesiredAgentError,
  RemoteBindings,
  RemoteGuide,
  RemoteAgent,
  BindingIssue,
} from './types.js';
