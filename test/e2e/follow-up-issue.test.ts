// What a rollback leaves behind: one GitHub issue per run with the root-cause report (catalog
// `followUp.github.repo`), through the GitHub REST emulator; and, when the rollback fails, an alert
// that links the service's runbook.
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../sandbox/github/fake-github.js';
import { DEFAULT_CATALOG, PD_ROUTING_KEY, recordStandardHistory, startHarness, USERS, type Harness } from '../support/bot-harness.js';
import { click, command, runIdOf, waitForPlan, waitForThread } from './flow-helpers.js';

const GITHUB_TOKEN = 'ghp_e2eFollowUpToken0123456789';
const RUNBOOK = 'https://wiki.example.com/runbooks/checkout';
const BIN = join(import.meta.dirname, '..', 'fixtures', 'bin');
let h: Harness;
let gh: FakeGitHub;
afterEach(async () => {
  await h.close();
  await gh.close();
});

const withService = (keys: string, catalog = DEFAULT_CATALOG) => catalog.replace('\n  checkout:\n', `\n  checkout:\n${keys}`);
const followUp = '    followUp: { github: { repo: shop/checkout } }\n';

async function start(catalog: string) {
  gh = await startFakeGitHub({ token: GITHUB_TOKEN, repos: ['shop/checkout'] });
  h = await startHarness({ catalog, bot: { github: { token: GITHUB_TOKEN, apiUrl: gh.apiUrl } } });
}

it('opens one follow-up issue with the root-cause report, links it in the thread, and never a second one', async () => {
  await start(withService(followUp));
  await recordStandardHistory(h);
  await command(h, '--failed-deployment-id deploy-12345');
  const plan = await waitForPlan(h);
  await click(h, plan, 'rollback_approve', USERS.approver);
  const note = await waitForThread(h, plan, /Follow-up issue with the root-cause report/);
  const runId = runIdOf(plan);
  expect(gh.issues).toHaveLength(1);
  const [issue] = gh.issues;
  expect(note.text).toContain('https://github.example/shop/checkout/issues/1');
  expect(issue!.title).toBe('Follow up: checkout rolled back from v1.2.1 to v1.2.0');
  expect(issue!.labels).toEqual(['smartspec-rollback']);
  expect(issue!.body).toContain(`<!-- smartspec-rollback run ${runId} -->`);
  expect(issue!.body).toMatch(/Root cause/i);
  const view = await h.api('GET', `/api/v1/rollbacks/${runId}`);
  expect(view.json.timeline.filter((e: { type: string }) => e.type === 'follow_up_issue')).toHaveLength(1);

  // The same terminal event again (a retry, a resumed run, another replica): still one issue.
  const run = (await h.bot.store.getRun(runId))!;
  await h.bot.built.deps.events.publish({ type: 'succeeded', runId, at: new Date().toISOString(), toVersion: 'v1.2.0' }, run);
  expect(gh.issues).toHaveLength(1);
  expect(gh.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
});

it('a failed rollback raises an alert that links the runbook, and still leaves its follow-up issue', async () => {
  const catalog = withService(
    `${followUp}    runbook: ${RUNBOOK}\n    pagerduty: { services: [PCHECKOUT1], routingKey: ${PD_ROUTING_KEY} }\n`,
    DEFAULT_CATALOG.replace(
      /    kubernetes:\n(      .*\n)+?(?=    verification:)/,
      `    command: { rollback: ["${join(BIN, 'noisy-rollback')}", "3", "1"], timeoutSeconds: 30 }\n`,
    ),
  );
  await start(catalog);
  await recordStandardHistory(h);
  await command(h, '--failed-deployment-id deploy-12345');
  const plan = await waitForPlan(h);
  await click(h, plan, 'rollback_approve', USERS.approver);
  const alert = await h.pagerDuty.waitFor(
    () => h.pagerDuty.alerts.find((a) => a.dedupKey === `smartspec-rollback-${runIdOf(plan)}`),
    20_000,
    'the failure alert',
  );
  expect(alert.links).toEqual([{ href: RUNBOOK, text: 'Runbook: checkout' }]);
  expect(alert.customDetails).toMatchObject({ runbook: RUNBOOK, service: 'checkout' });
  await waitForThread(h, plan, /Follow-up issue with the root-cause report/);
  expect(gh.issues).toHaveLength(1);
  expect(gh.issues[0]!.title).toBe('Follow up: checkout rollback FAILED from v1.2.1 to v1.2.0');
});
