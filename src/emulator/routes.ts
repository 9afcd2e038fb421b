/** Registers the API routes of the emulator (everything under /api/v2). */
import type { FastifyInstance } from 'fastify';
import { registerAgentRoutes } from './agents.js';
import type { EmulatorContext } from './context.js';
import { registerDataActionRoutes } from './data-actions.js';
import { registerDependencyTrackingRoutes } from './dependency-tracking.js';
import { registerDraftRoutes } from './drafts.js';
import { registerExecuteRoutes } from './execute.js';
import { registerGatewayToolRoutes } from './gateway-tools.js';
import { registerGuideRoutes } from './guides.js';
import { registerIntegrationRoutes } from './integrations.js';

/** Registers every /api/v2 route (and /__emulator/flows, which seeds dependency tracking). */
export function registerRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  registerIntegrationRoutes(app, ctx);
  registerDataActionRoutes(app, ctx);
  registerDraftRoutes(app, ctx);
  registerExecuteRoutes(app, ctx);
  registerGatewayToolRoutes(app, ctx);
  registerGuideRoutes(app, ctx);
  registerAgentRoutes(app, ctx);
  registerDependencyTrackingRoutes(app, ctx);
}
