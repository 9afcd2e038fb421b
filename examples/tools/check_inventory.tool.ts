/**
 * The tutorial's tool: how many units of a SKU are in stock. The level is computed from a hash of
 * the SKU and warehouse so that the example is deterministic (the same question, the same answer)
 * without a real inventory system.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineTool } from 'genesys-tools';

/** A stable pseudo inventory level in 0..999 for a SKU (and warehouse). */
export function inventoryLevel(sku: string, warehouseId?: string): number {
  const digest = createHash('sha256')
    .update(`${sku}\u0000${warehouseId ?? ''}`)
    .digest();
  return digest.readUInt16BE(0) % 1000;
}

export default defineTool({
  name: 'check_inventory',
  description: 'Checks real-time inventory levels for a specific product SKU',
  input: z.object({
    sku: z.string().min(1).describe('Product stock keeping unit'),
    warehouse_id: z.string().min(1).optional().describe('Target warehouse identifier'),
  }),
  output: z.object({ sku: z.string(), inventory_level: z.number().int().min(0) }),
  rateLimit: { requestsPerMinute: 60, burstSize: 10 },
  timeoutMs: 5000,
  retries: 1,
  handler: ({ sku, warehouse_id }) => ({ sku, inventory_level: inventoryLevel(sku, warehouse_id) }),
});
