// The bot's SQLite file locked by another process, then its disk full. The bot runs as a process, so
// this test holds the lock and fills the log from outside, as another program on the host would.
// "Disk full" is portable here: the bot is started under a file-size limit (`ulimit -f`, no root) and
// its write-ahead log is grown past it, so its next write fails in the kernel as on a full disk
// (EFBIG → SQLITE_IOERR_WRITE; a real full disk gives ENOSPC → SQLITE_FULL: same rollback).
// What must hold: a failed write leaves no half-written run, approval or plan; the person is told
// that nothing was executed; once the lock or the space is back, everything works and nothing is lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeSlackMessage } from '../../sandbox/slack/fake-slack-types.js';
import { USERS } from '../support/bot-harness.js';
import { bundleBot, type BotBundle } from '../support/bot-bundle.js';
import { peekRun, peekRuns } from '../support/db-peek.js';
import { eventually } from '../support/eventually.js';
import { deploymentRecords, failedDeploymentId, realWritesTo, seedServices, servicesCatalog, type ServiceFixture } from '../support/multi-service.js';
import { startProcessWorld, type ProcessWorld } from '../support/process-world.js';
import { harnessSecrets, logTexts, scanForSecrets, slackTexts } from '../support/secret-scan.js';
import { fillWal, freeWal, holdWriteLock } from '../support/sqlite-pressure.js';
import {
  clickDecision,
  ephemeralTextsFor,
  plansFor,
  runIdOf,
  sendCommand,
  waitForPlanFor,
  waitForPlanState,
  waitForThreadText,
} from '../support/slack-flow.js';

const service = (name: string, namespace: string): ServiceFixture => ({
  name,
  namespace,
  components: [`${namespace}-api`],
  versions: ['v1.0.0', 'v1.1.0'],
  replicas: 2,
});
const LOCKED = service('db-locked', 'dl');
const FULL_NEW = service('db-full-new', 'dn');
const FULL_WAITING = service('db-full-waiting', 'dw');
const FULL_RUNNING = service('db-full-running', 'dr');
const ALL = [LOCKED, FULL_NEW, FULL_WAITING, FULL_RUNNING];
/** The bot may not grow any file past 2 MiB: under SQLite's 1,000-page automatic checkpoint, so only the log grows. */
const FILE_LIMIT = 2 * 1024 * 1024;

let world: ProcessWorld;
let bundle: BotBundle;

beforeAll(async () => {
  bundle = await bundleBot();
  world = await startProcessWorld({ catalog: servicesCatalog(ALL), podStartMs: 300, tickMs: 10 });
  seedServices(world.k8s, ALL);
  await world.start({ entry: bundle.entry });
  for (const s of ALL) for (const body of deploymentRecords(s)) expect((await world.api('POST', '/api/v1/deployments', body)).status).toBe(201);
});

afterAll(async () => {
  await world?.kill('SIGTERM');
  if (world) {
    const report = scanForSecrets([...logTexts(world.allLines(), 'bot'), ...slackTexts(world.slack)], harnessSecrets());
    expect(report.findings).toEqual([]);
  }
  await world?.close();
  bundle?.dispose();
});

/** The error id the person was given, and what the log says about it. */
async function toldNothingExecuted(userId: string, since: number): Promise<{ errorId: string; logged: string }> {
  const text = await world.slack.waitFor(
    () =>
      ephemeralTextsFor(world.slack, userId)
        .slice(since)
        .find((t) => /error id `/.test(t)),
    15_000,
    'the error answer',
  );
  expect(text).toMatch(/Nothing was executed/);
  const errorId = /error id `([^`]+)`/.exec(text)![1]!;
  const logged = await eventually(
    async () => world.allLines().find((l) => l.includes(errorId) && l.includes('"level":50')),
    5_000,
    'the logged cause',
  );
  return { errorId, logged };
}

describe('the database write-locked by another process', () => {
  /** Acks of `help` commands sent while the bot waited for the lock. */
  const helpAcks: number[] = [];

  it('a command waits for the lock, then fails cleanly: no run, no plan, the requester told; after the lock, it works', async () => {
    const since = ephemeralTextsFor(world.slack, USERS.requester).length;
    const lock = holdWriteLock(world.databasePath);
    try {
      expect((await sendCommand(world.slack, `--failed-deployment-id ${failedDeploymentId(LOCKED)}`)).status).toBe(200);
      // Meanwhile someone asks for help, again and again, until the command has given up.
      const told = toldNothingExecuted(USERS.requester, since);
      let settled = false;
      void told
        .finally(() => {
          settled = true;
        })
        .catch(() => undefined);
      while (!settled) helpAcks.push((await sendCommand(world.slack, 'help')).elapsedMs);
      const { logged } = await told;
      expect(logged).toMatch(/SQLITE_BUSY|database is locked/);
    } finally {
      lock.release();
    }
    expect(peekRuns(world.databasePath).filter((r) => r.service === LOCKED.name)).toEqual([]);
    expect(plansFor(world.slack, failedDeploymentId(LOCKED))).toEqual([]);
    expect(realWritesTo(world.k8s, LOCKED.namespace)).toEqual([]);
    await sendCommand(world.slack, `--failed-deployment-id ${failedDeploymentId(LOCKED)}`);
    await waitForPlanFor(world.slack, failedDeploymentId(LOCKED));
  });

  // Found by this suite (docs/RELIABILITY.md): better-sqlite3 waited for the lock synchronously, for the
  // whole 5 s busy_timeout, so the bot stalled meanwhile — past Slack's 3 s ack deadline for everyone.
  it('other Slack requests are still acknowledged within 3 s while one waits for the lock', () => {
    expect(helpAcks.length).toBeGreaterThan(0);
    expect(Math.max(...helpAcks)).toBeLessThan(3_000);
  });
});

describe('the disk full (the bot under a file-size limit, its log grown past it)', () => {
  let waiting: FakeSlackMessage;
  let running: FakeSlackMessage;

  it('a run in the middle of its rollout: every write after the disk fills fails whole; the run stays consistently `executing`', async () => {
    await world.kill('SIGTERM');
    await world.start({ entry: bundle.entry, fileSizeLimitBytes: FILE_LIMIT });
    await sendCommand(world.slack, `--failed-deployment-id ${failedDeploymentId(FULL_WAITING)}`);
    waiting = await waitForPlanFor(world.slack, failedDeploymentId(FULL_WAITING));
    await sendCommand(world.slack, `--failed-deployment-id ${failedDeploymentId(FULL_RUNNING)}`);
    running = await waitForPlanFor(world.slack, failedDeploymentId(FULL_RUNNING));
    await eventually(async () => peekRun(world.databasePath, runIdOf(running))?.messageTs, 5_000, 'the plan message recorded');
    // The disk fills the moment the rollout starts: the step's result can no longer be recorded.
    const filled = new Promise<void>((resolve) =>
      world.k8s.onChange((c) => {
        if (c.resource === 'deployments' && c.object.metadata.name === FULL_RUNNING.components[0] && (c.object.metadata.generation ?? 0) > 2) {
          fillWal(world.databasePath, FILE_LIMIT + 64 * 1024);
          resolve();
        }
      }),
    );
    await clickDecision(world.slack, running, 'rollback_approve', USERS.approver);
    await filled;
    await world.k8s.waitForRolloutComplete(FULL_RUNNING.namespace, FULL_RUNNING.components[0]!, 10_000);
    await eventually(
      async () => world.allLines().some((l) => /execution crashed|execution failed unexpectedly/.test(l)),
      10_000,
      'the failed write noticed',
    );
    const run = peekRun(world.databasePath, runIdOf(running))!;
    expect(run.status).toBe('executing');
    expect(run.steps).toEqual([{ index: 1, status: 'running' }]);
    expect(realWritesTo(world.k8s, FULL_RUNNING.namespace)).toHaveLength(1);
  });

  // Was a bug (docs/RELIABILITY.md #6): the failure was recorded before it was posted, so a store that
  // could not write kept the thread silent. Slack does not depend on the disk: it is told first now.
  it('… and the thread says the bot could not record the run, and what the cluster was left doing', async () => {
    await waitForThreadText(world.slack, running, /could not|disk|database|internal error/i, 2_000);
  });

  it('a new command while the disk is full: no run and no plan, the requester told that nothing was executed', async () => {
    const since = ephemeralTextsFor(world.slack, USERS.requester).length;
    await sendCommand(world.slack, `--failed-deployment-id ${failedDeploymentId(FULL_NEW)}`);
    const { logged } = await toldNothingExecuted(USERS.requester, since);
    expect(logged).toMatch(/SQLITE_IOERR|SQLITE_FULL|disk/);
    expect(peekRuns(world.databasePath).filter((r) => r.service === FULL_NEW.name)).toEqual([]);
    expect(plansFor(world.slack, failedDeploymentId(FULL_NEW))).toEqual([]);
  });

  it('an approval while the disk is full: not recorded, not executed, the approver told', async () => {
    const since = ephemeralTextsFor(world.slack, USERS.approver).length;
    await clickDecision(world.slack, waiting, 'rollback_approve', USERS.approver);
    await toldNothingExecuted(USERS.approver, since);
    expect(peekRun(world.databasePath, runIdOf(waiting))).toMatchObject({ status: 'awaiting_approval', approvals: [] });
    expect(realWritesTo(world.k8s, FULL_WAITING.namespace)).toEqual([]);
  });

  it('once space is back and the bot restarted: the stuck run is resumed once its lease expires (written once), and everything else works', async () => {
    freeWal(world.databasePath);
    await world.kill('SIGTERM');
    await world.start({ entry: bundle.entry });
    await eventually(async () => peekRun(world.databasePath, runIdOf(running))?.status === 'succeeded', 45_000, 'the stuck run resumed and finished');
    expect(peekRun(world.databasePath, runIdOf(running))?.timeline.map((e) => e.type)).toContain('resumed');
    expect(realWritesTo(world.k8s, FULL_RUNNING.namespace)).toHaveLength(1);
    await clickDecision(world.slack, waiting, 'rollback_approve', USERS.approver);
    await waitForPlanState(world.slack, waiting, /Rolled back/);
    expect(realWritesTo(world.k8s, FULL_WAITING.namespace)).toHaveLength(1);
    await sendCommand(world.slack, `--failed-deployment-id ${failedDeploymentId(FULL_NEW)}`);
    await waitForPlanFor(world.slack, failedDeploymentId(FULL_NEW));
  }, 60_000);
});
