import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import type { Deployment, Run } from '../../src/core/model.js';
import { chooseTarget, compareVersions } from '../../src/core/target.js';
import { buildVersionHistory } from '../../src/core/version-history.js';
import { makeDeployment, makeRun } from '../support/builders.js';

// The demo's story: v1.1.0 and v1.2.0 recorded by CI days ago, v1.2.1 (deploy-12345) failed; the
// cluster's ReplicaSets were seeded an hour ago, so discovered revisions look *newer* than CI's records.
const hoursAgo = (h: number) => new Date(Date.parse('2026-11-20T12:00:00.000Z') - h * 3_600_000).toISOString();
const recorded = (id: string, version: string, h: number, extra: Partial<Deployment> = {}) =>
  makeDeployment({ id, version, createdAt: hoursAgo(h), migrations: [], ...extra });
const discovered = (revision: number, version: string, h: number, extra: Partial<Deployment> = {}) =>
  makeDeployment({
    id: `checkout@r${revision}`,
    version,
    createdAt: hoursAgo(h),
    createdBy: 'cluster (ReplicaSet history)',
    status: 'unverified',
    migrations: [],
    verification: undefined,
    ...extra,
  });

const d100 = recorded('deploy-100', 'v1.1.0', 72);
const d200 = recorded('deploy-200', 'v1.2.0', 26);
const d12345 = recorded('deploy-12345', 'v1.2.1', 0.4, { status: 'failed', verification: { smoke: false } });
const d12345RolledBack = { ...d12345, status: 'rolled_back' as const };
const d12346 = recorded('deploy-12346', 'v1.2.2', 0.1, { status: 'failed', verification: { smoke: false } });
const r1 = discovered(1, 'v1.1.0', 1.5);
const r2 = discovered(2, 'v1.2.0', 1.33);
const r3 = discovered(3, 'v1.2.1', 1.17);
const rollbackOf12345: Run = makeRun({
  id: 'rb-first',
  status: 'succeeded',
  updatedAt: hoursAgo(0.3),
  plan: { failedDeploymentId: 'deploy-12345', targetDeploymentId: 'deploy-200' },
  stepResults: [{ index: 1, status: 'done', startedAt: hoursAgo(0.31), finishedAt: hoursAgo(0.3), detail: 'rolled back' }],
});

interface Case {
  name: string;
  history: Deployment[];
  runs?: Run[];
  failed: Deployment;
  targetVersion?: string;
  /** The chosen target's id, or the refusal's message. */
  expected: string | RegExp;
  /** Check ids and outcomes the choice must carry. */
  checks?: Record<string, 'pass' | 'warn' | 'block'>;
  /** The failed deployment the plan names, when it differs from the one asked for. */
  plannedFailed?: string;
}

const cases: Case[] = [
  {
    name: 'recorded only: the newest good version before the failed one',
    history: [d12345, d200, d100],
    failed: d12345,
    expected: 'deploy-200',
    checks: { target_verification: 'pass' },
  },
  {
    name: 'same images, different ids: a discovered revision of a recorded version is that version (recorded wins)',
    history: [r3, r2, r1, d12345, d200, d100],
    failed: r3,
    expected: 'deploy-200',
    plannedFailed: 'deploy-12345',
    checks: { history: 'pass', target_verification: 'pass' },
  },
  {
    name: 'same images, different ids: failing the oldest version refuses instead of rolling forward (demo sequence 1)',
    history: [r3, r2, r1, d12345, d200, d100],
    failed: r1,
    expected: /No version of checkout .* before `v1\.1\.0`[\s\S]*--failed-deployment-id deploy-12345/,
  },
  {
    name: 'rolled back by version: a rolled-back deploy is bad under its discovered id too (demo sequence 2)',
    history: [d12346, r3, r2, r1, d12345RolledBack, d200, d100],
    runs: [rollbackOf12345],
    failed: d12346,
    expected: 'deploy-200',
  },
  {
    name: 'rolled away by a run: the version a run left is never chosen, even if CI recorded it as succeeded',
    history: [d12346, { ...d12345, status: 'succeeded', verification: { smoke: true } }, d200],
    runs: [rollbackOf12345],
    failed: d12346,
    expected: 'deploy-200',
  },
  {
    name: 'rolled back by version: naming it is a HIGH-risk plan that says why',
    history: [d12346, r3, d12345RolledBack, d200],
    runs: [rollbackOf12345],
    failed: d12346,
    targetVersion: 'v1.2.1',
    expected: 'deploy-12345',
    checks: { target_suspect: 'warn' },
  },
  {
    name: 'newer than failed: a version first seen after the failed one is never a target',
    history: [d200, d100],
    failed: { ...d100, status: 'failed' },
    expected: /No version of checkout .* before `v1\.1\.0`/,
  },
  {
    name: 'newer than failed: naming a newer version refuses and says a rollback never goes forward',
    history: [d12345, d200, d100],
    failed: d200,
    targetVersion: 'v1.2.1',
    expected: /newer than the failed `v1\.2\.0`.*never goes forward/,
  },
  {
    name: 'newer than failed: a higher version number is newer even when the cluster dates it earlier',
    history: [discovered(7, 'v2.0.0', 5), discovered(8, 'v1.9.0', 3), discovered(6, 'v1.8.0', 9)],
    failed: discovered(8, 'v1.9.0', 3),
    expected: 'checkout@r6',
  },
  {
    name: 'unverified: a discovered-only version is a warning that raises the risk, not a silent choice',
    history: [r3, r2, r1],
    failed: r3,
    expected: 'checkout@r2',
    checks: { target_unverified: 'warn' },
  },
  {
    name: 'unverified: the cluster proved the live revision healthy',
    history: [discovered(3, 'v1.2.1', 1, { status: 'failed' }), discovered(2, 'v1.2.0', 2, { status: 'succeeded' })],
    failed: discovered(3, 'v1.2.1', 1),
    expected: 'checkout@r2',
    checks: { target_verification: 'pass' },
  },
  {
    name: 'unverified: a run that rolled back to it and passed its checks proves it healthy',
    history: [r3, r2],
    failed: r3,
    expected: 'checkout@r2',
    runs: [
      makeRun({
        id: 'rb-old',
        status: 'succeeded',
        plan: { failedDeploymentId: 'checkout@r9', targetDeploymentId: 'checkout@r2' },
        verification: {
          phase: 'Succeeded',
          checks: [{ name: 'http', phase: 'passed', durationMs: 1, detail: '200' }],
          startedAt: hoursAgo(5),
          finishedAt: hoursAgo(5),
        },
      }),
    ],
    checks: { target_verification: 'pass' },
  },
  {
    name: 'unverified: recorded as succeeded without checks is a plain warning',
    history: [d12345, { ...d200, verification: undefined }],
    failed: d12345,
    expected: 'deploy-200',
    checks: { target_verification: 'warn' },
  },
  {
    name: 'a deploy that never finished is not chosen automatically',
    history: [d12345, { ...d200, status: 'in_progress' }, d100],
    failed: d12345,
    expected: 'deploy-100',
  },
  {
    name: 'a deploy that never finished, named, is an overridable blocker',
    history: [d12345, { ...d200, status: 'in_progress' }, d100],
    failed: d12345,
    targetVersion: 'v1.2.0',
    expected: 'deploy-200',
    checks: { target_unverified: 'block' },
  },
  {
    name: 'a failed verification excludes the version',
    history: [d12345, { ...d200, verification: { smoke: true, acceptance: false } }, d100],
    failed: d12345,
    expected: 'deploy-100',
  },
  {
    name: 'already rolled back: planning it again is refused, naming the run and the next step',
    history: [d12346, d12345RolledBack, d200],
    runs: [rollbackOf12345],
    failed: d12345RolledBack,
    expected: /`deploy-12345` \(v1\.2\.1\) was already rolled back: run rb-first rolled it back.*--failed-deployment-id deploy-12346/,
  },
  {
    name: 'already rolled back, asked under its discovered id',
    history: [r3, d12345RolledBack, d200],
    runs: [rollbackOf12345],
    failed: r3,
    expected: /was already rolled back/,
  },
  {
    name: 'the failed version itself, named',
    history: [d12345, d200],
    failed: d12345,
    targetVersion: 'v1.2.1',
    expected: /is the failed version itself/,
  },
  {
    name: 'a version not in the history, named',
    history: [d12345, d200],
    failed: d12345,
    targetVersion: 'v0.9',
    expected: /not in the history of checkout[\s\S]*`v1\.2\.0` \(deploy-200\)/,
  },
];

function outcome(c: Case): { id: string; failed: string; checks: Record<string, string> } | string {
  try {
    const choice = chooseTarget(c.failed, buildVersionHistory(c.history, c.runs ?? []), c.targetVersion);
    return { id: choice.target.id, failed: choice.failed.id, checks: Object.fromEntries(choice.checks.map((k) => [k.id, k.outcome])) };
  } catch (error) {
    if (error instanceof UserError) return error.message;
    throw error;
  }
}

describe('chooseTarget over mixed recorded and discovered histories', () => {
  it.each(cases)('$name', (c) => {
    const got = outcome(c);
    if (c.expected instanceof RegExp) {
      expect(typeof got === 'string' ? got : `chose ${got.id}`).toMatch(c.expected);
      return;
    }
    expect(typeof got === 'string' ? got : got.id).toBe(c.expected);
    if (typeof got === 'string') return;
    expect(got.failed).toBe(c.plannedFailed ?? c.failed.id);
    for (const [id, want] of Object.entries(c.checks ?? {})) expect(got.checks[id], id).toBe(want);
  });

  it('never picks v1.1.0 or v1.2.1 for the demo histories', () => {
    for (const c of cases.filter((k) => k.failed.version !== 'v1.1.0' && !k.targetVersion && k.history.includes(d200))) {
      const got = outcome(c);
      if (typeof got !== 'string') expect(got.id, c.name).not.toMatch(/deploy-100|deploy-12345|checkout@r[13]/);
    }
  });

  it('says why a named suspect version is suspect: when it failed and which run rolled it back', () => {
    const choice = chooseTarget(d12346, buildVersionHistory([d12346, r3, d12345RolledBack, d200], [rollbackOf12345]), 'v1.2.1');
    const suspect = choice.checks.find((k) => k.id === 'target_suspect');
    expect(suspect?.message).toContain('deploy-12345 failed');
    expect(suspect?.message).toContain('run rb-first rolled it back');
  });

  it('undoes the migrations of the recorded deployments between the target and the failed one', () => {
    const mig = { id: 'm-v121', reversible: true, destructive: false, mayLoseData: false };
    const choice = chooseTarget(d12346, buildVersionHistory([d12346, { ...d12345, migrations: [mig] }, r3, d200], [rollbackOf12345]));
    expect(choice.undone.map((d) => d.id)).toEqual(['deploy-12346', 'deploy-12345']);
  });
});

describe('compareVersions', () => {
  it.each([
    ['v1.2.10', 'v1.2.9', 1],
    ['1.2.0', 'v1.2', 0],
    ['v1.1.0', 'v1.2.0', -1],
    ['r3', 'v1.2.0', undefined],
    ['v1.2.0-rc1', 'v1.2.0', undefined],
  ] as const)('%s vs %s → %s', (a, b, want) => {
    expect(compareVersions(a, b)).toBe(want);
  });
});
