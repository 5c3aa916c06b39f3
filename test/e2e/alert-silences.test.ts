// Alertmanager is quiet exactly while a rollback changes production: the real bot creates a silence
// for the service's alerts when execution starts and ends it after a verified success, and at once
// when the verification fails; when ending it fails (Alertmanager restarting, or the bot dying right
// then), the periodic sweep ends it. Issue detection measured at planning opens the plan.
import { afterEach, expect, it } from 'vitest';
import { startFakeAlertmanager, type FakeAlertmanager } from '../../sandbox/alertmanager/fake-alertmanager.js';
import { startFakePrometheus, type FakePrometheus } from '../../sandbox/prometheus/fake-prometheus.js';
import { CHANNEL, DEFAULT_CATALOG, recordStandardHistory, startHarness, USERS, type Harness } from '../support/bot-harness.js';
import { eventually } from '../support/eventually.js';
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

const ERRORS =
  'sum by (version) (rate(http_requests_total{service="checkout",code=~"5.."}[5m])) / sum by (version) (rate(http_requests_total{service="checkout"}[5m]))';
const LATENCY = 'histogram_quantile(0.99, sum by (version, le) (rate(http_request_duration_seconds_bucket{service="checkout"}[5m])))';
const VERIFY = 'sum(rate(http_errors[1m]))';

async function start(options: { verificationErrorRate?: number; silenceSweepMs?: number } = {}): Promise<Harness> {
  am = await startFakeAlertmanager();
  prom = await startFakePrometheus();
  prom.setSeries(ERRORS, [
    { labels: { version: 'v1.2.1' }, value: 0.124 },
    { labels: { version: 'v1.2.0' }, value: 0.0002 },
  ]);
  prom.setSeries(LATENCY, [
    { labels: { version: 'v1.2.1' }, value: 0.09 },
    { labels: { version: 'v1.2.0' }, value: 0.08 },
  ]);
  prom.set(VERIFY, [options.verificationErrorRate ?? 0.001]);
  const extra = [
    '    alertmanager:',
    `      url: "${am.url}"`,
    '      matchers: [{ name: service, value: checkout }, { name: severity, value: "warning|critical", isRegex: true }]',
    '    detection:',
    `      url: "${prom.url}"`,
    '      versionLabel: version',
    '      queries:',
    `        - { name: error rate, kind: error_rate, query: ${JSON.stringify(ERRORS)}, max: 0.001, severity: critical }`,
    `        - { name: p99 latency, kind: latency, query: ${JSON.stringify(LATENCY)}, max: 0.3, unit: s, severity: high }`,
    '        - { name: CPU, kind: saturation, query: "max(container_cpu_ratio{service=\\"checkout\\"})", max: 0.8, severity: medium }',
  ].join('\n');
  const catalog = DEFAULT_CATALOG.replace(
    '    verification:\n      timeoutSeconds: 20\n',
    `    verification:\n      timeoutSeconds: 20\n      prometheus: [{ name: error rate, url: "${prom.url}", query: "${VERIFY}", max: 0.05, samples: 2, intervalSeconds: 0.1 }]\n`,
  ).replace('    approvals:\n', `${extra}\n    approvals:\n`);
  h = await startHarness({ catalog, failedBehaviour: 'crash', ...(options.silenceSweepMs ? { silenceSweepMs: options.silenceSweepMs } : {}) });
  await recordStandardHistory(h);
  return h;
}

/** The run's timeline once it records the silence's end (Alertmanager ends it a moment before the bot records it). */
async function timelineTypes(harness: Harness, runId: string): Promise<string[]> {
  return eventually(
    async () => {
      const types: string[] = (await harness.api('GET', `/api/v1/rollbacks/${runId}`)).json.timeline.map((e: { type: string }) => e.type);
      return types.includes('silence_expired') ? types : undefined;
    },
    10_000,
    'the silence_expired record',
  );
}

it('silences the service while the rollback runs and ends the silence once it is verified', async () => {
  const harness = await start();
  await command(harness, '--failed-deployment-id deploy-12345');
  const plan = await waitForPlan(harness);
  const runId = runIdOf(plan);
  expect(am!.silences()).toEqual([]); // a plan waiting for approval silences nothing
  await click(harness, plan, 'rollback_approve', USERS.approver);
  await waitForThread(harness, plan, /Verification passed/);

  const [silence] = await am!.waitFor(
    () => {
      const s = am!.silences();
      return s.length === 1 && s[0]!.state === 'expired' ? s : undefined;
    },
    10_000,
    'the silence ended',
  );
  expect(silence).toMatchObject({
    createdBy: 'smartspec-rollback',
    matchers: [
      { name: 'service', value: 'checkout', isRegex: false, isEqual: true },
      { name: 'severity', value: 'warning|critical', isRegex: true, isEqual: true },
    ],
  });
  expect(silence!.comment).toContain(runId);
  expect(silence!.comment).toContain(`archives/${CHANNEL}/`); // the link to the plan's thread

  // It covered every cluster write: started before the first step, ended after verification.
  const view = (await harness.api('GET', `/api/v1/rollbacks/${runId}`)).json;
  expect(view.status).toBe('succeeded');
  const firstStep = view.steps[0].startedAt as string;
  const lastStep = view.steps[view.steps.length - 1].finishedAt as string;
  expect(silence!.startsAt <= firstStep && silence!.endsAt >= lastStep).toBe(true);
  const types = await timelineTypes(harness, runId);
  expect(types.indexOf('silence_created')).toBeLessThan(types.indexOf('step_started'));
  // The thread says the pager is quiet, and until when.
  await waitForThread(harness, plan, /Alerts matching service="checkout", severity=~"warning\|critical" are silenced in Alertmanager/);
  expect(types.indexOf('silence_expired')).toBeGreaterThan(types.indexOf('succeeded'));
});

it('ends the silence at once when the verification fails, so real alerts fire again', async () => {
  const harness = await start({ verificationErrorRate: 0.2 });
  await command(harness, '--failed-deployment-id deploy-12345');
  const plan = await waitForPlan(harness);
  await click(harness, plan, 'rollback_approve', USERS.approver);
  await waitForThread(harness, plan, /Verification failed/);
  const [silence] = await am!.waitFor(
    () => {
      const s = am!.silences();
      return s.length === 1 && s[0]!.state === 'expired' ? s : undefined;
    },
    10_000,
    'the silence ended',
  );
  expect(silence!.comment).toContain(runIdOf(plan));
  const types = await timelineTypes(harness, runIdOf(plan));
  // Ended by the run's own failure, not by the sweep (which runs once a minute here and says "the run
  // is …"); whether it lands in the audit just before or just after "failed" is the scheduler's call.
  expect(types.indexOf('silence_expired')).toBeGreaterThan(types.indexOf('verifying'));
  const view = (await harness.api('GET', `/api/v1/rollbacks/${runIdOf(plan)}`)).json as { timeline: Array<{ type: string; detail: string }> };
  expect(view.timeline.find((e) => e.type === 'silence_expired')?.detail).not.toMatch(/the run is/);
});

it('a plan asked for by service name opens with issue detection: the breached query first, unknown shown as unknown', async () => {
  const harness = await start();
  await command(harness, 'checkout');
  const plan = await waitForPlan(harness);
  const text = JSON.stringify(plan.blocks);
  expect(text).toContain('deploy-12345'); // the newest deployment was taken as the failed one
  expect(text).toContain('*Issue detection:* CRITICAL → rollback immediately: error rate is 0.124, outside ≤ 0.001 (critical)');
  expect(text).toContain(':x: *error rate* (critical): now 0.124 (threshold ≤ 0.001) · before 0.0002');
  expect(text).toContain(':grey_question: *CPU* (medium): now unknown (no series with version=\\"v1.2.1\\")');
  expect(text).toContain(':white_check_mark: *p99 latency* (high): now 0.09s');
  expect(text.indexOf('Issue detection')).toBeLessThan(text.indexOf('Safety checks'));
  // The "before" reading is the target version at the failed deploy's time (2026-11-20T10:30:00Z).
  const view = (await harness.api('GET', `/api/v1/rollbacks/${runIdOf(plan)}`)).json;
  expect(view.detection).toMatchObject({
    beforeAt: '2026-11-20T10:30:00.000Z',
    failedVersion: 'v1.2.1',
    targetVersion: 'v1.2.0',
    decision: { severity: 'CRITICAL' },
  });
});

it('a silence the run could not end (Alertmanager refused the DELETE) is ended by the periodic sweep', async () => {
  const harness = await start({ silenceSweepMs: 200 });
  await command(harness, '--failed-deployment-id deploy-12345');
  const plan = await waitForPlan(harness);
  const runId = runIdOf(plan);
  // The end of the run meets an Alertmanager that is restarting: its DELETE answers 503.
  am!.failNext(1, 'DELETE');
  await click(harness, plan, 'rollback_approve', USERS.approver);
  await waitForThread(harness, plan, /Verification passed/);
  await am!.waitFor(() => am!.silences().length === 1 && am!.silences()[0]!.state === 'expired', 15_000, 'the sweep ended the silence');
  expect(am!.requests.filter((r) => r.method === 'DELETE').map((r) => r.status)).toEqual([503, 200]);
  const timeline = await eventually(
    async () => {
      const events = (await harness.api('GET', `/api/v1/rollbacks/${runId}`)).json.timeline as Array<{ type: string; detail: string }>;
      return events.some((e) => e.type === 'silence_expired') ? events : undefined;
    },
    10_000,
    'the silence_expired record',
  );
  expect(timeline.filter((e) => e.type === 'silence_expired').map((e) => e.detail)).toEqual([expect.stringMatching(/ended: the run is succeeded$/)]);
});

it('an Alertmanager that refuses the silence never stops the rollback, and the thread says the pager is not quiet', async () => {
  const harness = await start();
  am!.failNext(1, 'POST');
  await command(harness, '--failed-deployment-id deploy-12345');
  const plan = await waitForPlan(harness);
  await click(harness, plan, 'rollback_approve', USERS.approver);
  await waitForThread(
    harness,
    plan,
    /Alerts are NOT silenced during this rollback: Alertmanager at .* refused POST \/api\/v2\/silences \(HTTP 503\)/,
  );
  await waitForThread(harness, plan, /Verification passed/);
  expect((await harness.api('GET', `/api/v1/rollbacks/${runIdOf(plan)}`)).json.status).toBe('succeeded');
  expect(am!.silences()).toEqual([]);
});
