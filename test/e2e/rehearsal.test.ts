// Rollback readiness, rehearsed: the bot plans each service's rollback, has the API server dry-run
// every write and answers access reviews for every verb, and executes nothing. When the bot loses
// `patch` on its Deployment (emulated RBAC), the service turns not-ready and its channel hears so once.
import { afterEach, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { API_TOKEN, CHANNEL, DEFAULT_CATALOG, startHarness, type Harness } from '../support/bot-harness.js';
import { realClusterWrites } from './flow-helpers.js';

let h: Harness;
afterEach(async () => {
  await h.close();
});

const notReadyMessages = () => h.slack.messagesIn(CHANNEL).filter((m) => JSON.stringify(m.blocks ?? []).includes('Rollback not ready'));

async function history() {
  await h.recordDeployment({ id: 'deploy-100', version: 'v1.1.0', createdAt: '2026-11-18T09:00:00Z' });
  await h.recordDeployment({ id: 'deploy-200', version: 'v1.2.0', createdAt: '2026-11-19T09:00:00Z' });
  await h.recordDeployment({ id: 'deploy-300', version: 'v1.2.1', createdAt: '2026-11-20T10:30:00Z' });
}

/** Everything a cluster-admin may do, except patching the checkout-api Deployment. */
const withoutPatchOnCheckoutApi = {
  user: 'system:serviceaccount:smartspec:smartspec-rollback',
  rules: [
    { apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch', 'create'] },
    { apiGroups: ['apps'], resources: ['deployments'], verbs: ['patch'], resourceNames: ['checkout-worker'] },
    { apiGroups: ['', 'apps'], resources: ['services', 'deployments/scale'], verbs: ['patch'] },
  ],
};

it('turns not-ready when the bot loses patch on its Deployment, says why once, and executes nothing', async () => {
  h = await startHarness({ catalog: DEFAULT_CATALOG.replace('\n  checkout:\n', '\n  checkout:\n    rehearsal: { everyHours: 24 }\n') });
  await history();

  // The periodic rehearsal (registered from rehearsal.everyHours) runs at start: the gauge says ready.
  const metrics = async () => (await fetch(`${h.bot.url}/metrics`)).text();
  await waitUntil(
    async () => /smartspec_rollback_ready\{service="checkout"\} 1/.test(await metrics()),
    'the periodic rehearsal to report checkout ready',
  );

  const ready = await h.api('POST', '/api/v1/rehearsals', { service: 'checkout' });
  expect(ready.status).toBe(200);
  expect(ready.json).toMatchObject({
    ready: true,
    services: [
      {
        service: 'checkout',
        ready: true,
        fromVersion: 'v1.2.1',
        toVersion: 'v1.2.0',
        dryRun: 'accepted',
        permissions: 'granted',
        targetRevision: 'present',
        problems: [],
      },
    ],
  });

  h.k8s.setRbacPolicy(withoutPatchOnCheckoutApi);
  const first = await h.api('POST', '/api/v1/rehearsals', { service: 'checkout' });
  expect(first.json.ready).toBe(false);
  const [result] = first.json.services;
  expect(result).toMatchObject({ ready: false, permissions: 'denied', dryRun: 'refused', targetRevision: 'present' });
  expect(result.problems).toContain('the bot may not patch deployments.apps checkout-api in shop');
  const message = await h.slack.waitFor(() => notReadyMessages()[0], 10_000, 'the not-ready message');
  expect(JSON.stringify(message.blocks)).toContain('may not patch deployments.apps checkout-api in shop');
  expect(/smartspec_rollback_ready\{service="checkout"\} 0/.test(await metrics())).toBe(true);

  // Rehearsed again (the CLI this time): still not ready, still one message.
  const out: string[] = [];
  const code = await runCli(
    ['rehearse', '--service', 'checkout'],
    { SMARTSPEC_URL: h.bot.url, SMARTSPEC_API_TOKEN: API_TOKEN },
    { out: (l) => out.push(l), err: (l) => out.push(l) },
  );
  expect(code).toBe(1);
  expect(out.join('\n')).toMatch(/checkout\s+production\s+NOT READY\s+v1\.2\.1 → v1\.2\.0\s+refused\s+denied\s+present/);
  const table = await h.api('GET', '/api/v1/readiness');
  expect(table.json.services[0]).toMatchObject({ service: 'checkout', ready: false });
  expect(notReadyMessages()).toHaveLength(1);

  // Nothing a rehearsal does changes the cluster: every write it sent was a server-side dry run.
  expect(realClusterWrites(h).filter((r) => !r.path.includes('selfsubjectaccessreviews'))).toEqual([]);
});

it('refuses an unknown service and a bad body with a clear answer', async () => {
  h = await startHarness();
  const unknown = await h.api('POST', '/api/v1/rehearsals', { service: 'chekout' });
  expect(unknown.status).toBe(404);
  expect(unknown.json.error).toContain('Known: checkout');
  const bad = await h.api('POST', '/api/v1/rehearsals', { service: 'checkout', now: true });
  expect(bad.status).toBe(400);
  const query = await h.api('GET', '/api/v1/readiness?services=checkout');
  expect(query.status).toBe(400);
  expect(query.json.issues).toEqual([{ path: 'services', message: 'unknown parameter' }]);
});

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
