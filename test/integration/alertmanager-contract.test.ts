// One set of assertions about silences, run against Debian's prometheus-alertmanager (started here
// on a free port) and against the emulator in sandbox/alertmanager: the emulator is only trusted as
// far as the real server agrees with it. Both are reached through the product's adapter.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertmanagerError, AlertmanagerHttpClient } from '../../src/adapters/alertmanager/alertmanager-client.js';
import { runIdOf, SILENCE_AUTHOR, silenceFor } from '../../src/core/silences/alert-silences.js';
import { SilenceKeeper } from '../../src/core/silences/silence-keeper.js';
import type { Run, TimelineEvent } from '../../src/core/model.js';
import type { AlertmanagerPolicy } from '../../src/core/service.js';
import { startFakeAlertmanager } from '../../sandbox/alertmanager/fake-alertmanager.js';
import { makeRun } from '../support/builders.js';
import { startRealPeer } from '../support/real-peer.js';
import { describeWithTool } from '../support/required-tool.js';
import { makeService } from '../support/services.js';

const client = new AlertmanagerHttpClient();
const signal = () => AbortSignal.timeout(10_000);
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function policy(url: string, service = 'checkout'): AlertmanagerPolicy {
  return {
    url,
    matchers: [
      { name: 'service', value: service, isRegex: false, isEqual: true },
      { name: 'severity', value: 'info|warning|critical', isRegex: true, isEqual: true },
    ],
    maxMinutes: 60,
  };
}

function silenceContract(peer: () => string): void {
  it('creates a silence the bot can find again by its run, and lists it active', async () => {
    const run = makeRun({ id: `rb-${randomUUID().slice(0, 8)}`, status: 'executing' });
    const id = await client.createSilence(peer(), silenceFor(run, policy(peer()), new Date(), 'https://slack.example/archives/C1/p1'), signal());
    const listed = (await client.listSilences(peer(), signal())).find((s) => s.id === id);
    expect(listed).toMatchObject({
      state: 'active',
      createdBy: SILENCE_AUTHOR,
      matchers: [
        { name: 'service', value: 'checkout', isRegex: false, isEqual: true },
        { name: 'severity', value: 'info|warning|critical', isRegex: true, isEqual: true },
      ],
    });
    expect(listed!.comment).toContain('https://slack.example/archives/C1/p1');
    expect(runIdOf(listed!)).toBe(run.id);
  });

  it('expires a silence: listed as expired, ending it again and ending an unknown id are no-ops', async () => {
    const run = makeRun({ id: `rb-${randomUUID().slice(0, 8)}`, status: 'executing' });
    const id = await client.createSilence(peer(), silenceFor(run, policy(peer()), new Date(), undefined), signal());
    await client.expireSilence(peer(), id, signal());
    expect((await client.listSilences(peer(), signal())).find((s) => s.id === id)?.state).toBe('expired');
    await client.expireSilence(peer(), id, signal());
    await client.expireSilence(peer(), randomUUID(), signal());
  });

  it('refuses a silence whose matchers all match the empty string (it would silence everything)', async () => {
    const run = makeRun({ id: 'rb-everything' });
    const wide = { ...policy(peer()), matchers: [{ name: 'alertname', value: '.*', isRegex: true, isEqual: true }] };
    const refused = client.createSilence(peer(), silenceFor(run, wide, new Date(), undefined), signal());
    await expect(refused).rejects.toThrow(AlertmanagerError);
    await expect(refused).rejects.toThrow(/at least one matcher must not match the empty string/);
  });

  it('refuses a silence that ended in the past, and a matcher on an invalid label name', async () => {
    const run = makeRun({ id: 'rb-past' });
    const past = {
      ...silenceFor(run, policy(peer()), new Date(), undefined),
      startsAt: new Date(Date.now() - 7_200_000).toISOString(),
      endsAt: new Date(Date.now() - 3_600_000).toISOString(),
    };
    await expect(client.createSilence(peer(), past, signal())).rejects.toThrow(/HTTP 400.*end time can't be in the past/);
    const badName = {
      ...silenceFor(run, policy(peer()), new Date(), undefined),
      matchers: [{ name: 'app-name', value: 'x', isRegex: false, isEqual: true }],
    };
    await expect(client.createSilence(peer(), badName, signal())).rejects.toThrow(/invalid label name "app-name"/);
  });

  it('the reconciler ends the silences of runs no longer active and keeps the rest', async () => {
    const service = `svc${randomUUID().slice(0, 6)}`;
    const runs = new Map<string, Run>();
    const timeline: TimelineEvent[] = [];
    const catalog = { services: new Map([[service, makeService({ name: service, alertmanager: policy(peer(), service) })]]) };
    const keeper = new SilenceKeeper({
      store: {
        getRun: async (id) => runs.get(id),
        appendTimeline: async (e) => {
          timeline.push(e);
        },
      },
      catalog,
      clock: { now: () => new Date() },
      logger: quiet,
      alertmanager: client,
    });
    const executing = makeRun({ id: `rb-${randomUUID().slice(0, 8)}`, status: 'executing', plan: { service } });
    const failed = makeRun({ id: `rb-${randomUUID().slice(0, 8)}`, status: 'executing', plan: { service } });
    runs.set(executing.id, executing);
    runs.set(failed.id, failed);
    const keptId = await keeper.silence(executing);
    const endedId = await keeper.silence(failed);
    expect(await keeper.silence(failed)).toBe(endedId); // a second start (resume) reuses the silence
    const foreign = await client.createSilence(
      peer(),
      { ...silenceFor(failed, policy(peer(), service), new Date(), undefined), createdBy: 'alice' },
      signal(),
    );
    runs.set(failed.id, { ...failed, status: 'failed' }); // the run ended; the bot "crashed" before ending its silence

    const report = await keeper.reconcile(signal());
    expect(report).toEqual({ expired: [{ silenceId: endedId, runId: failed.id, url: peer() }], errors: [] });
    const states = new Map((await client.listSilences(peer(), signal())).map((s) => [s.id, s.state]));
    expect([states.get(keptId!), states.get(endedId!), states.get(foreign)]).toEqual(['active', 'expired', 'active']);
    expect(timeline.map((e) => `${e.runId === failed.id ? 'failed' : 'executing'}:${e.type}`)).toEqual([
      'executing:silence_created',
      'failed:silence_created',
      'failed:silence_expired',
    ]);
  });

  it("the sweep extends a long run's silence in place: same id, a later end", async () => {
    const service = `svc${randomUUID().slice(0, 6)}`;
    const run = makeRun({ id: `rb-${randomUUID().slice(0, 8)}`, status: 'verifying', plan: { service } });
    let now = new Date();
    const keeper = new SilenceKeeper({
      store: { getRun: async (id) => (id === run.id ? run : undefined), appendTimeline: async () => undefined },
      catalog: { services: new Map([[service, makeService({ name: service, alertmanager: policy(peer(), service) })]]) },
      clock: { now: () => now },
      logger: quiet,
      alertmanager: client,
    });
    const id = await keeper.silence(run);
    const before = (await client.listSilences(peer(), signal())).find((s) => s.id === id)!;
    now = new Date(Date.now() + 40 * 60_000); // 20 of its 60 minutes left
    expect(await keeper.reconcile(signal())).toEqual({ expired: [], errors: [] });
    const after = (await client.listSilences(peer(), signal())).filter((s) => runIdOf(s) === run.id);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id, state: 'active', startsAt: before.startsAt, endsAt: new Date(now.getTime() + 60 * 60_000).toISOString() });
  });
}

/** The wire itself, below the adapter: what the emulator claims about the v2 API beyond the bot's calls. */
function wireContract(peer: () => string): void {
  const post = (body: unknown, type = 'application/json') =>
    fetch(`${peer()}/api/v2/silences`, { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify(body) });
  const hours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
  const body = (over: Record<string, unknown> = {}) => ({
    matchers: [{ name: 'service', value: `wire-${randomUUID().slice(0, 6)}`, isRegex: false }],
    startsAt: hours(0),
    endsAt: hours(1),
    createdBy: 'wire',
    comment: 'wire test',
    ...over,
  });

  it('a silence starting later is pending; one updated with only a new end keeps its id', async () => {
    const pending = (await (await post(body({ startsAt: hours(1), endsAt: hours(2) }))).json()) as { silenceID: string };
    expect(((await (await fetch(`${peer()}/api/v2/silence/${pending.silenceID}`)).json()) as { status: { state: string } }).status.state).toBe(
      'pending',
    );
    const first = body();
    const created = (await (await post(first)).json()) as { silenceID: string };
    const stored = (await (await fetch(`${peer()}/api/v2/silence/${created.silenceID}`)).json()) as { startsAt: string };
    const updated = (await (await post({ ...first, id: created.silenceID, startsAt: stored.startsAt, endsAt: hours(3) })).json()) as {
      silenceID: string;
    };
    expect(updated.silenceID).toBe(created.silenceID);
  });

  it('filters silences by their matchers, and refuses a filter that is not a matcher', async () => {
    const mine = body();
    const id = ((await (await post(mine)).json()) as { silenceID: string }).silenceID;
    const value = (mine.matchers as Array<{ value: string }>)[0]!.value;
    const found = (await (await fetch(`${peer()}/api/v2/silences?filter=${encodeURIComponent(`service="${value}"`)}`)).json()) as Array<{
      id: string;
    }>;
    expect(found.map((s) => s.id)).toEqual([id]);
    const bad = await fetch(`${peer()}/api/v2/silences?filter=${encodeURIComponent('service')}`);
    expect([bad.status, await bad.json()]).toEqual([400, 'bad matcher format: service']);
  });

  it('answers schema errors 422, a non-JSON type 415, an id that is not a UUID 422, an unknown one 404', async () => {
    const noComment = await post({ ...body(), comment: undefined });
    expect([noComment.status, await noComment.json()]).toEqual([422, { code: 602, message: 'comment in body is required' }]);
    const noMatchers = await post(body({ matchers: [] }));
    expect([noMatchers.status, await noMatchers.json()]).toEqual([422, { code: 612, message: 'matchers in body should have at least 1 items' }]);
    const noRegexFlag = await post(body({ matchers: [{ name: 'service', value: 'x' }] }));
    expect([noRegexFlag.status, await noRegexFlag.json()]).toEqual([422, { code: 602, message: 'matchers.0.isRegex in body is required' }]);
    expect((await post(body(), 'text/plain')).status).toBe(415);
    expect((await fetch(`${peer()}/api/v2/silence/not-a-uuid`, { method: 'DELETE' })).status).toBe(422);
    expect((await fetch(`${peer()}/api/v2/silence/${randomUUID()}`)).status).toBe(404);
    const unknownUpdate = await post(body({ id: randomUUID() }));
    expect([unknownUpdate.status, await unknownUpdate.json()]).toEqual([404, 'silence not found']);
  });
}

describe('Alertmanager emulator (sandbox/alertmanager)', () => {
  let url = '';
  let close: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    const fake = await startFakeAlertmanager();
    url = fake.url;
    close = fake.close;
  });
  afterAll(() => close());
  silenceContract(() => url);
  wireContract(() => url);
});

describeWithTool(
  { command: 'prometheus-alertmanager', debianPackage: 'prometheus-alertmanager' },
  'real Alertmanager (Debian prometheus-alertmanager)',
  (binary) => {
    let url = '';
    let stop: () => Promise<void> = async () => undefined;
    beforeAll(async () => {
      const peer = await startRealPeer({
        binary,
        files: { 'alertmanager.yml': 'route:\n  receiver: quiet\nreceivers:\n  - name: quiet\n' },
        // No cluster port: one instance, nothing else on the machine to gossip with.
        args: (dir, port) => [
          `--config.file=${dir}/alertmanager.yml`,
          `--storage.path=${dir}/data`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--cluster.listen-address=',
          '--log.level=warn',
        ],
        readyPath: '/-/ready',
      });
      url = peer.url;
      stop = peer.stop;
    }, 40_000);
    afterAll(() => stop());
    silenceContract(() => url);
    wireContract(() => url);
  },
);
