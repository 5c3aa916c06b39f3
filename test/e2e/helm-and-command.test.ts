// Services deployed with Helm or a rollback script go through the same Slack flow; for Helm the
// history comes from `helm history` when nobody recorded deployments (`<service>@r<revision>`).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { DEFAULT_CATALOG, startHarness, USERS, type Harness } from '../support/bot-harness.js';
import { click, command, waitForPlan, waitForThread } from './flow-helpers.js';

const BIN = join(import.meta.dirname, '..', 'fixtures', 'bin');
let h: Harness;
let dir: string;
afterEach(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

const withTarget = (target: string) => DEFAULT_CATALOG.replace(/    kubernetes:\n(      .*\n)+?(?=    verification:)/, target);

it('rolls a Helm release back to the revision that ran the target, discovered from helm history', async () => {
  dir = mkdtempSync(join(tmpdir(), 'helm-e2e-'));
  const state = join(dir, 'state.json');
  const log = join(dir, 'helm.log');
  const revision = (n: number, app: string, status: string, description: string) => ({
    revision: n,
    updated: `2026-11-2${n}T10:00:00Z`,
    status,
    chart: `checkout-${app}`,
    app_version: app,
    description,
  });
  writeFileSync(
    state,
    JSON.stringify({
      releases: [
        {
          name: 'checkout',
          namespace: 'shop',
          revisions: [
            revision(1, '1.1.0', 'superseded', 'Install complete'),
            revision(2, '1.2.0', 'superseded', 'Upgrade complete'),
            revision(3, '1.2.1', 'deployed', 'Upgrade complete'),
          ],
        },
      ],
    }),
  );
  h = await startHarness({
    catalog: withTarget('    helm: { release: checkout, namespace: shop, timeoutSeconds: 60 }\n'),
    helm: { binary: join(BIN, 'helm'), env: { FAKE_HELM_STATE: state, FAKE_HELM_LOG: log } },
  });
  await command(h, '--failed-deployment-id checkout@r3');
  const plan = await waitForPlan(h);
  expect(JSON.stringify(plan.blocks)).toContain('helm rollback checkout 2 --wait');
  // Helm only says r2 was installed, not that 1.2.0 ran healthy: an unverified target, HIGH risk, two approvers.
  expect(plan.text).toContain('risk HIGH');
  await click(h, plan, 'rollback_approve', USERS.approver);
  await click(h, plan, 'rollback_approve', USERS.second);
  await waitForThread(h, plan, /Verification passed/);
  const calls = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { argv: string[] }).argv);
  const rollbacks = calls.filter((a) => a[0] === 'rollback');
  expect(rollbacks).toHaveLength(1);
  expect(rollbacks[0]?.slice(0, 7)).toEqual(['rollback', 'checkout', '2', '-n', 'shop', '--wait', '--timeout']);
});

it("runs a command-deployed service's rollback script with the argv template, never a shell", async () => {
  dir = mkdtempSync(join(tmpdir(), 'cmd-e2e-'));
  h = await startHarness({
    catalog: withTarget(`    command: { rollback: ["${join(BIN, 'echo-argv')}", "{service}", "{version}", "$(rm -rf /)"], timeoutSeconds: 30 }\n`),
  });
  await h.recordDeployment({ id: 'deploy-100', version: 'v1.1.0', createdAt: '2026-11-18T09:00:00Z' });
  await h.recordDeployment({ id: 'deploy-12345', version: 'v1.2.1', createdAt: '2026-11-20T10:30:00Z', status: 'failed' });
  await command(h, '--failed-deployment-id deploy-12345');
  const plan = await waitForPlan(h);
  expect(JSON.stringify(plan.blocks)).toContain('drift was not checked');
  await click(h, plan, 'rollback_approve', USERS.approver);
  await waitForThread(h, plan, /Verification/);
  const view = await h.api('GET', `/api/v1/rollbacks/${/Run `(rb-[a-z0-9]+)`/.exec(JSON.stringify(plan.blocks))?.[1]}`);
  expect(view.json.status).toBe('succeeded');
  expect(view.json.steps[0].detail).toContain('["checkout","v1.1.0","$(rm -rf /)"]');
});
