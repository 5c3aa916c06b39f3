// Rehearsals against a real SQLite store and a small provider: what makes a service not ready, and
// the not-ready message said once per turn to not-ready (again only after it was ready in between).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import type { ComponentState, DeployState, Deployment, Evidence, Run, Step, StepResult, Verification } from '../../src/core/model.js';
import type { AccessCheck, DeployProvider } from '../../src/core/ports.js';
import { ReadinessBoard, type ServiceReadiness } from '../../src/core/rehearsal/readiness.js';
import { rehearse, rehearsalJobs, type RehearsalDeps } from '../../src/core/rehearsal/rehearsals.js';
import type { Catalog, Service } from '../../src/core/service.js';
import { makeDeployment } from '../support/builders.js';
import { makeService } from '../support/services.js';

const image = (c: string, v: string) => `registry.example/${c}:${v}`;

class RehearsalCluster implements DeployProvider {
  refuse = false;
  denied: string[] = [];
  history = ['v1.2.0', 'v1.2.1'];
  withAccess = true;

  async currentState(): Promise<DeployState> {
    const component = (name: string): ComponentState => ({
      name,
      images: [image(name, 'v1.2.1')],
      revision: 3,
      desiredReplicas: 2,
      readyReplicas: 2,
      updatedReplicas: 2,
      rolloutInProgress: false,
      history: this.history.map((v, i) => ({ revision: i + 2, images: [image(name, v)] })).reverse(),
    });
    return { components: [component('checkout-api'), component('checkout-worker')] };
  }
  async execute(): Promise<StepResult> {
    throw new Error('a rehearsal must never execute');
  }
  async dryRun(_run: Run, step: Step): Promise<StepResult> {
    return {
      index: step.index,
      status: this.refuse ? 'failed' : 'done',
      startedAt: '',
      finishedAt: '',
      detail: this.refuse ? 'forbidden' : 'accepted',
    };
  }
  async discoverHistory(): Promise<Deployment[]> {
    return [];
  }
  async verify(): Promise<Verification> {
    throw new Error('not in a rehearsal');
  }
  async evidence(): Promise<Evidence> {
    throw new Error('not in a rehearsal');
  }
  checkAccess?: (service: Service, steps: Step[]) => Promise<AccessCheck[] | undefined> = async (_s, steps) =>
    this.withAccess
      ? steps.map((s) => ({ action: `patch deployments ${s.component} in shop`, allowed: !this.denied.includes(s.component) }))
      : undefined;
}

let dir: string;
let store: SqliteStore;
let cluster: RehearsalCluster;
let said: Array<{ channel: string; readiness: ServiceReadiness }>;
let deps: RehearsalDeps;
let now: number;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rehearsal-'));
  store = SqliteStore.open(join(dir, 'db.sqlite'));
  cluster = new RehearsalCluster();
  said = [];
  now = Date.parse('2026-11-24T09:00:00Z');
  const catalog: Catalog = { services: new Map([['checkout', makeService({ rehearsal: { everyHours: 24 } })]]) } as Catalog;
  deps = {
    store,
    provider: cluster,
    catalog,
    board: new ReadinessBoard(),
    clock: { now: () => new Date(now) },
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    notifier: {
      notReady: async (channel, readiness) => {
        said.push({ channel, readiness });
      },
    },
  };
  await store.saveDeployment(makeDeployment({ id: 'deploy-200', version: 'v1.2.0', createdAt: '2026-11-19T09:00:00Z', migrations: [] }));
  await store.saveDeployment(makeDeployment({ id: 'deploy-300', version: 'v1.2.1', createdAt: '2026-11-20T09:00:00Z', migrations: [] }));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function once(): Promise<ServiceReadiness> {
  now += 60_000;
  const [result] = await rehearse(deps);
  return result!;
}

describe('rehearse', () => {
  it('a service whose rollback would work is ready, and nothing is said', async () => {
    expect(await once()).toMatchObject({
      ready: true,
      fromVersion: 'v1.2.1',
      toVersion: 'v1.2.0',
      steps: 2,
      dryRun: 'accepted',
      permissions: 'granted',
      targetRevision: 'present',
      problems: [],
    });
    expect(said).toEqual([]);
  });

  it('says once when it turns not-ready, not on every rehearsal, and again only after it was ready in between', async () => {
    await once();
    cluster.denied = ['checkout-api'];
    expect((await once()).problems).toEqual(['the bot may not patch deployments checkout-api in shop']);
    await once();
    expect(said).toHaveLength(1);
    expect(said[0]!.channel).toBe('C0INCIDENTS');
    cluster.denied = [];
    expect((await once()).ready).toBe(true);
    cluster.denied = ['checkout-api'];
    await once();
    expect(said).toHaveLength(2);
  });

  it('across replicas: one that saw the same turn says nothing; one that never saw it ready says it at most once more', async () => {
    await once();
    cluster.refuse = true;
    await once();
    expect(said).toHaveLength(1);
    // A second replica that also saw the service ready at the same moment: same key in the store.
    const sibling = new ReadinessBoard();
    sibling.record(
      deps.board.all()[0]!.ready
        ? deps.board.all()[0]!
        : { ...deps.board.get('checkout')!, ready: true, problems: [], checkedAt: deps.board.lastReadyAt('checkout')! },
    );
    now += 60_000;
    await rehearse({ ...deps, board: sibling });
    expect(said).toHaveLength(1);
    // A replica started since: it never saw the service ready, so it may say it once, then never again.
    const fresh = new ReadinessBoard();
    await rehearse({ ...deps, board: fresh });
    await rehearse({ ...deps, board: fresh });
    expect(said).toHaveLength(2);
  });

  it.each([
    [
      'the target revision is gone from the cluster',
      () => {
        cluster.history = ['v1.2.1'];
      },
      /no longer keeps the revision/,
      { targetRevision: 'gone' },
    ],
    [
      'the API server refuses a step in its dry run',
      () => {
        cluster.refuse = true;
      },
      /would be refused: forbidden/,
      { dryRun: 'refused' },
    ],
    [
      'the provider cannot review access',
      () => {
        cluster.withAccess = false;
        cluster.refuse = true;
      },
      /would be refused/,
      { permissions: 'unchecked' },
    ],
  ])('is not ready when %s', async (_name, arrange, problem, fields) => {
    arrange();
    const result = await once();
    expect(result.ready).toBe(false);
    expect(result.problems.join('\n')).toMatch(problem);
    expect(result).toMatchObject(fields);
  });

  it('is not ready, and says why, when nothing was ever deployed', async () => {
    const empty: RehearsalDeps = { ...deps, catalog: { services: new Map([['search', makeService({ name: 'search' })]]) } as Catalog };
    const [result] = await rehearse(empty);
    expect(result).toMatchObject({ service: 'search', ready: false });
    expect(result!.problems[0]).toContain('there is nothing to roll back from');
  });

  it('registers one periodic job per service with rehearsal.everyHours', () => {
    expect(rehearsalJobs(deps).map((j) => [j.name, j.everyMs])).toEqual([['rehearse:checkout:production', 24 * 3_600_000]]);
  });
});
