/**
 * A richer example: an enum, integer bounds, a pattern and an output schema with an array of
 * objects. The answer is derived from the order id, so it is deterministic.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineTool } from 'genesys-tools';

const STATUSES = ['received', 'packed', 'shipped', 'delivered'] as const;

function seed(orderId: string): number {
  return createHash('sha256').update(orderId).digest().readUInt32BE(0);
}

export default defineTool({
  name: 'order_status',
  description: 'Tells where an order is: its status, the expected delivery and its latest events',
  input: z.object({
    order_id: z
      .string()
      .regex(/^ORD-[0-9]{4,10}$/)
      .describe('Order number, e.g. ORD-10042'),
    channel: z
      .enum(['web', 'phone', 'store'])
      .optional()
      .describe('Where the order was placed; narrows the search'),
    max_events: z
      .number()
      .int()
      .min(1)
      .max(20)
      .optional()
      .describe('How many of the latest events to return (1-20, default 3)'),
  }),
  output: z.object({
    order_id: z.string(),
    status: z.enum(STATUSES),
    eta_days: z.number().int().min(0),
    events: z.array(z.object({ step: z.number().int(), status: z.enum(STATUSES) })),
  }),
  timeoutMs: 3000,
  retries: 2,
  handler: ({ order_id, max_events }) => {
    const stage = seed(order_id) % STATUSES.length;
    const events = STATUSES.slice(0, stage + 1)
      .map((status, step) => ({ step, status }))
      .slice(-(max_events ?? 3));
    return {
      order_id,
      status: STATUSES[stage] ?? 'received',
      eta_days: STATUSES.length - 1 - stage,
      events,
    };
  },
});
