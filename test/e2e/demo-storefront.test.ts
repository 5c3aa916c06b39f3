// The demo's second service, end to end through the demo server (no browser): "Ship storefront"
// changes its ConfigMap and moves its pods to the new version on green; the rollback the trigger
// suggests restores the ConfigMap (the plan shows the key diff, the API key masked), shifts the pods
// back 25 → 50 → 75 → 100 % with the plan showing each step, and a restart picks the storefront up as left.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../sandbox/demo/demo-server.js';
import { STOREFRONT_CONFIG, STOREFRONT_NAMESPACE } from '../../sandbox/demo/storefront.js';
import type { ConfigMap } from '../../sandbox/kubernetes/workload-types.js';
import { USERS } from '../support/bot-harness.js';
import { clickDecision, sendCommand, waitForPlanFor, waitForPlanState } from '../support/slack-flow.js';

let dir: string;
let demo: DemoServer;
const start = () => startDemoServer({ port: 0, databasePath: join(dir, 'demo.db'), tickMs: 25, podStartMs: 300, clusterThrottleMs: 100 });
const config = () => demo.k8s.getObject<ConfigMap>('configmaps', STOREFRONT_NAMESPACE, STOREFRONT_CONFIG)?.data;
/** A trigger button, as the page presses it. */
async function ship(): Promise<{ message: string; command: string }> {
  const response = await fetch(`${demo.url}/ship-storefront`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const body = (await response.json()) as { message: string; command: string; error?: string };
  if (response.status !== 200) throw new Error(`ship-storefront answered ${response.status}: ${body.error}`);
  return body;
}
const replicas = (name: string) => demo.k8s.getDeployment(STOREFRONT_NAMESPACE, name)?.spec?.replicas;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smartspec-demo-storefront-'));
  demo = await start();
});

afterAll(async () => {
  await demo?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the demo's storefront", () => {
  it('ships a version with a config change, then rolls back the configuration and the traffic gradually', async () => {
    const before = config();
    expect(before?.['CHECKOUT_TIMEOUT_MS']).toBe('3000');
    const answer = await ship();
    expect(answer.command).toBe('/smartspec_rollback --failed-deployment-id storefront-101 --reason "storefront v2.1.0: checkouts time out"');
    expect(config()?.['CHECKOUT_TIMEOUT_MS']).toBe('30');
    expect([replicas('storefront-blue'), replicas('storefront-green')]).toEqual([0, 4]);

    await sendCommand(demo.slack, answer.command.replace('/smartspec_rollback ', ''));
    const plan = await waitForPlanFor(demo.slack, 'storefront-101');
    const text = JSON.stringify(plan.blocks);
    expect(text).toContain('Restore ConfigMap `storefront-config` to what `v2.0.0` ran with');
    expect(text).toContain('`CHECKOUT_TIMEOUT_MS`: `30` → `3000`');
    expect(text).toContain('`PAYMENT_API_KEY`: (masked) → (masked)');
    expect(text).not.toContain('pk-demo');
    expect(text).toContain('*Traffic* to `storefront-blue`: 25 % → 50 % → 75 % → 100 %');

    await clickDecision(demo.slack, plan, 'rollback_approve', USERS.approver);
    const done = await waitForPlanState(demo.slack, plan, /Rolled back/, 60_000);
    expect(JSON.stringify(done.blocks)).toContain(
      '25 % :white_check_mark: → 50 % :white_check_mark: → 75 % :white_check_mark: → 100 % :white_check_mark:',
    );
    expect(config()).toEqual(before);
    expect([replicas('storefront-blue'), replicas('storefront-green')]).toEqual([4, 0]);
    // The page's cluster panel shows storefront's namespace below checkout's.
    const state = (await (await fetch(`${demo.url}/state?user=U0REQUEST`)).json()) as {
      cluster: { deployments: Array<{ name: string }>; others: Array<{ namespace: string; deployments: Array<{ name: string; desired: number }> }> };
    };
    expect(state.cluster.deployments.map((d) => d.name)).toEqual(['checkout-api', 'checkout-worker']);
    expect(state.cluster.others.map((o) => [o.namespace, o.deployments.map((d) => [d.name, d.desired])])).toEqual([
      [
        'web',
        [
          ['storefront-blue', 4],
          ['storefront-green', 0],
        ],
      ],
    ]);
  });

  it('picks the storefront up as it was left after a restart', async () => {
    await demo.close();
    demo = await start();
    expect(demo.fresh).toBe(false);
    expect(config()?.['CHECKOUT_TIMEOUT_MS']).toBe('3000');
    expect([replicas('storefront-blue'), replicas('storefront-green')]).toEqual([4, 0]);
    // The next ship is named after the last one.
    const answer = await ship();
    expect(answer.command).toContain('--failed-deployment-id storefront-102');
  });
});
