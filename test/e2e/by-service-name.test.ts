// `/smartspec_rollback <service>`: the on-call engineer names what is broken; the service's newest
// deployment is taken as the failed one and the plan says which. `--incident` ties the run to a
// PagerDuty incident, so its timeline hears about a rollback a person started.
import { afterEach, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { API_TOKEN, CHANNEL, DEFAULT_CATALOG, recordStandardHistory, startHarness, USERS, type Harness } from '../support/bot-harness.js';
import { click, command, runIdOf, waitForEphemeral, waitForPlan, waitForThread } from './flow-helpers.js';

let h: Harness;
afterEach(async () => {
  await h.close();
});

it('plans the newest deployment of the named service, says so, and notes the named incident in PagerDuty', async () => {
  h = await startHarness();
  await recordStandardHistory(h);
  h.pagerDuty.addIncident({ id: 'Q1CHECKOUT5XX', title: 'checkout 5xx rate above 5 %', serviceId: 'PABC123' });
  await command(h, 'checkout --incident Q1CHECKOUT5XX');
  const plan = await waitForPlan(h);
  const blocks = JSON.stringify(plan.blocks);
  expect(blocks).toContain('Taken as the failed deploy: newest deployment deploy-12345, v1.2.1,');
  expect(blocks).toMatch(/v1\.2\.1.*v1\.2\.0/);
  expect(blocks).toContain('checkout 5xx rate above 5 %');
  await click(h, plan, 'rollback_approve', USERS.approver);
  await waitForThread(h, plan, /Verification/);
  const runId = runIdOf(plan);
  const notes = await h.pagerDuty.waitFor(
    () => {
      const texts = h.pagerDuty.notes.filter((n) => n.incidentId === 'Q1CHECKOUT5XX').map((n) => n.content);
      return texts.some((t) => t.includes('succeeded')) ? texts : undefined;
    },
    20_000,
    'the success note on the named incident',
  );
  expect(notes.some((t) => t.includes(`(run ${runId}) started`))).toBe(true);
});

it('answers an unknown service with the services it knows, and plans nothing', async () => {
  h = await startHarness();
  await recordStandardHistory(h);
  await command(h, 'chekout');
  const answer = await waitForEphemeral(h, USERS.requester, /neither a subcommand nor a service/);
  expect(answer).toContain('`checkout` (production)');
  await command(h, 'checkout --incident Q9NOSUCHONE');
  expect(await waitForEphemeral(h, USERS.requester, /PagerDuty has no incident/)).toContain('nothing was planned');
  await command(h, 'checkout --environment staging');
  expect(await waitForEphemeral(h, USERS.requester, /not configured for staging/)).toContain('it is for production');
  const list = await h.api('GET', '/api/v1/rollbacks?service=checkout');
  expect(list.status).toBe(200);
  expect(JSON.stringify(list.json)).not.toContain('rb-');
});

it('the CLI path: POST /api/v1/rollbacks with a service name picks the newest deployment too', async () => {
  h = await startHarness();
  await recordStandardHistory(h);
  const created = await h.api('POST', '/api/v1/rollbacks', { service: 'checkout', dryRun: true, reason: 'rehearsing the CLI' });
  expect(created.status).toBe(201);
  expect(created.json).toMatchObject({ failedDeploymentId: 'deploy-12345', toVersion: 'v1.2.0' });
  const out: string[] = [];
  const code = await runCli(
    ['plan', '--service', 'checkout', '--reason', 'what would it do'],
    { SMARTSPEC_URL: h.bot.url, SMARTSPEC_API_TOKEN: API_TOKEN },
    { out: (l) => out.push(l), err: (l) => out.push(l) },
  );
  expect(code).toBe(0);
  expect(out.join('\n')).toContain('newest deployment deploy-12345, v1.2.1');
  const usage = await runCli(
    ['plan'],
    { SMARTSPEC_URL: h.bot.url, SMARTSPEC_API_TOKEN: API_TOKEN },
    { out: (l) => out.push(l), err: (l) => out.push(l) },
  );
  expect(usage).toBe(2);
  expect(out.at(-1)).toContain('--failed-deployment-id is required, or --service <name>');
  const both = await h.api('POST', '/api/v1/rollbacks', { service: 'checkout', failedDeploymentId: 'deploy-12345' });
  expect(both.status).toBe(400);
  expect(JSON.stringify(both.json)).toContain('exactly one of failedDeploymentId and service');
});

it('ties a command typed in the channel PagerDuty links to the service to its one open incident', async () => {
  h = await startHarness({ catalog: DEFAULT_CATALOG.replace('\n  checkout:\n', '\n  checkout:\n    pagerduty: { services: [PCHECKOUT1] }\n') });
  await recordStandardHistory(h);
  h.pagerDuty.addIncident({ id: 'Q2LINKED', title: 'checkout latency p99 above 2 s', serviceId: 'PCHECKOUT1' });
  h.pagerDuty.addIncident({ id: 'Q3OTHER', title: 'search is down', serviceId: 'PSEARCH01' });
  h.pagerDuty.addSlackConnection({ workspaceId: h.slack.identity.teamId, channelId: CHANNEL, serviceId: 'PCHECKOUT1' });
  h.pagerDuty.addSlackConnection({ workspaceId: h.slack.identity.teamId, channelId: CHANNEL, serviceId: 'PSEARCH01' });
  await command(h, 'checkout');
  const plan = await waitForPlan(h);
  expect(JSON.stringify(plan.blocks)).toContain('checkout latency p99 above 2 s');
  expect(JSON.stringify(plan.blocks)).not.toContain('search is down');
  await click(h, plan, 'rollback_approve', USERS.approver);
  await h.pagerDuty.waitFor(
    () => h.pagerDuty.notes.find((n) => n.incidentId === 'Q2LINKED' && n.content.includes('started')),
    20_000,
    'a note on the linked incident',
  );
  expect(h.pagerDuty.notes.filter((n) => n.incidentId === 'Q3OTHER')).toEqual([]);
});
