// The real bot with a Prometheus that takes a bearer token and an Alertmanager behind basic auth
// (the emulators started with requireAuth), credentials resolved from the environment the way
// main.ts does it. Right credentials: detection, silences and verification work as without auth.
// Wrong ones: detection reads unknown (never healthy), the silence is not made but the rollback goes
// on, the verification query fails, and each says which variable to check. Neither secret reaches the
// logs, Slack or the API.
import { afterEach, expect, it } from 'vitest';
import { startFakeAlertmanager, type FakeAlertmanager } from '../../sandbox/alertmanager/fake-alertmanager.js';
import { startFakePrometheus, type FakePrometheus } from '../../sandbox/prometheus/fake-prometheus.js';
import { parseCatalog } from '../../src/config/catalog.js';
import { resolvePeerCredentials } from '../../src/config/peer-credentials.js';
import { DEFAULT_CATALOG, recordStandardHistory, startHarness, USERS, type Harness } from '../support/bot-harness.js';
import { harnessSecrets, logTexts, scanForSecrets, slackTexts } from '../support/secret-scan.js';
import { click, command, runIdOf, waitForPlan, waitForThread } from './flow-helpers.js';

let h: Harness | undefined;
let am: FakeAlertmanager | undefined;
let prom: FakePrometheus | undefined;
afterEach(async () => {
  await h?.close();
  await am?.close();
  await prom?.close();
  h = am = prom = undefined;
});

const TOKEN = 'prometheus-bearer-token-0123456789abcdef';
const PASSWORD = 'alertmanager-password-0123456789abcdef';
const ERRORS = 'sum by (version) (rate(http_requests_total{service="checkout",code=~"5.."}[5m]))';
const VERIFY = 'sum(rate(http_errors[1m]))';

async function start(env: { PROMETHEUS_TOKEN: string; ALERTMANAGER_PASSWORD: string }): Promise<Harness> {
  am = await startFakeAlertmanager({ requireAuth: { basic: { username: 'smartspec', password: PASSWORD } } });
  prom = await startFakePrometheus({ requireAuth: { bearer: TOKEN } });
  prom.setSeries(ERRORS, [
    { labels: { version: 'v1.2.1' }, value: 0.124 },
    { labels: { version: 'v1.2.0' }, value: 0.0002 },
  ]);
  prom.set(VERIFY, [0.001]);
  const extra = [
    '    alertmanager:',
    `      url: "${am.url}"`,
    '      auth: { username: smartspec, passwordEnv: ALERTMANAGER_PASSWORD }',
    '      matchers: [{ name: service, value: checkout }]',
    '    detection:',
    `      url: "${prom.url}"`,
    '      auth: { bearerTokenEnv: PROMETHEUS_TOKEN }',
    '      versionLabel: version',
    '      queries:',
    `        - { name: error rate, kind: error_rate, query: ${JSON.stringify(ERRORS)}, max: 0.001, severity: critical }`,
  ].join('\n');
  const catalog = DEFAULT_CATALOG.replace(
    '    verification:\n      timeoutSeconds: 20\n',
    `    verification:\n      timeoutSeconds: 20\n      prometheus: [{ name: error rate, url: "${prom.url}", auth: { bearerTokenEnv: PROMETHEUS_TOKEN }, query: "${VERIFY}", max: 0.05, samples: 2, intervalSeconds: 0.1 }]\n`,
  ).replace('    approvals:\n', `${extra}\n    approvals:\n`);
  const peerCredentials = resolvePeerCredentials(parseCatalog(catalog, 'smartspec.yml').peerAuth, env, 'smartspec.yml');
  h = await startHarness({ catalog, failedBehaviour: 'crash', bot: { peerCredentials } });
  await recordStandardHistory(h);
  return h;
}

async function expectNoSecrets(harness: Harness, runId: string, extra: string[]): Promise<void> {
  const view = await harness.api('GET', `/api/v1/rollbacks/${runId}`);
  const report = await harness.api('GET', `/api/v1/rollbacks/${runId}/report`);
  const secrets = harnessSecrets([
    { name: 'PROMETHEUS_TOKEN', value: TOKEN },
    { name: 'ALERTMANAGER_PASSWORD', value: PASSWORD },
    { name: 'the basic auth header', value: Buffer.from(`smartspec:${PASSWORD}`).toString('base64') },
    ...extra.map((value, i) => ({ name: `wrong secret ${i}`, value })),
  ]);
  const texts = [
    ...logTexts(harness.logLines),
    ...slackTexts(harness.slack),
    { where: 'API view', text: JSON.stringify(view.json) },
    { where: 'API report', text: JSON.stringify(report.json) },
  ];
  expect(scanForSecrets(texts, secrets).findings).toEqual([]);
}

it('with the right credentials: detection measures, the silence is made and ended, the verification query passes', async () => {
  const harness = await start({ PROMETHEUS_TOKEN: TOKEN, ALERTMANAGER_PASSWORD: PASSWORD });
  await command(harness, 'checkout');
  const plan = await waitForPlan(harness);
  expect(JSON.stringify(plan.blocks)).toContain(':x: *error rate* (critical): now 0.124 (threshold ≤ 0.001) · before 0.0002');
  await click(harness, plan, 'rollback_approve', USERS.approver);
  await waitForThread(harness, plan, /Verification passed/);
  await am!.waitFor(() => am!.silences().length === 1 && am!.silences()[0]!.state === 'expired', 10_000, 'the silence ended');
  expect(am!.requests.filter((r) => r.status === 401)).toEqual([]);
  await expectNoSecrets(harness, runIdOf(plan), []);
});

it('with wrong credentials: detection unknown, no silence but the rollback goes on, verification fails, each naming the variable', async () => {
  const wrongToken = 'wrong-prometheus-token-0123456789abcdef';
  const wrongPassword = 'wrong-alertmanager-password-0123456789';
  const harness = await start({ PROMETHEUS_TOKEN: wrongToken, ALERTMANAGER_PASSWORD: wrongPassword });
  await command(harness, 'checkout');
  const plan = await waitForPlan(harness);
  const blocks = JSON.stringify(plan.blocks);
  expect(blocks).toContain(':grey_question: *error rate* (critical): now unknown');
  expect(blocks).toContain(`Prometheus at ${prom!.url} refused the bot's credentials (HTTP 401): check the environment variable PROMETHEUS_TOKEN`);
  await click(harness, plan, 'rollback_approve', USERS.approver);
  await waitForThread(
    harness,
    plan,
    new RegExp(
      `Alerts are NOT silenced during this rollback: Alertmanager at ${am!.url} refused the bot's credentials \\(HTTP 401\\): check the user name smartspec and the environment variable ALERTMANAGER_PASSWORD`,
    ),
  );
  await waitForThread(harness, plan, /Verification failed/);
  const view = (await harness.api('GET', `/api/v1/rollbacks/${runIdOf(plan)}`)).json;
  expect(view.steps.length).toBeGreaterThan(0);
  expect(view.status).toBe('failed'); // by the verification, not by the silence
  expect(view.steps.map((s: { status: string }) => s.status)).toEqual(['done', 'done']); // the rollback itself went on
  expect(JSON.stringify(view)).toContain(`refused the bot's credentials (HTTP 401): check the environment variable PROMETHEUS_TOKEN`);
  expect(am!.silences()).toEqual([]);
  await expectNoSecrets(harness, runIdOf(plan), [wrongToken, wrongPassword]);
});
