// The two-sided `shop` service's deployment records, as CI would post them, for the blue-green and
// gradual scenarios: one component per side, minutes after a fixed epoch so the order is stable.
import { IMAGE } from '../../test/support/bot-harness.js';
import type { ProcessWorld } from '../../test/support/process-world.js';

export async function recordShopDeployment(
  world: Pick<ProcessWorld, 'api'>,
  deploy: { id: string; version: string; side: string; status: string; minutes: number; replicas: number },
): Promise<void> {
  const answer = await world.api('POST', '/api/v1/deployments', {
    id: deploy.id,
    service: 'shop',
    environment: 'production',
    version: deploy.version,
    status: deploy.status,
    createdAt: new Date(Date.parse('2026-11-21T00:00:00Z') + deploy.minutes * 60_000).toISOString(),
    createdBy: 'bench',
    components: { [`shop-${deploy.side}`]: { image: IMAGE('shop', deploy.version), replicas: deploy.replicas } },
    migrations: [],
  });
  if (answer.status !== 201) throw new Error(`recording ${deploy.id}: ${answer.status}`);
}
