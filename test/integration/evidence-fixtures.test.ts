// Each failure class, end to end below the use case: a fixture cluster in the emulator → evidence
// collected through the real Kubernetes client → RCA → the expected top cause (or none), with golden
// files of the thread's root-cause message and the Markdown report.
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { collectEvidence } from '../../src/adapters/kubernetes/pod-evidence.js';
import { KubeClients } from '../../src/adapters/kubernetes/kube-clients.js';
import { renderRootCauseBlocks } from '../../src/adapters/slack/blocks/root-cause-blocks.js';
import { renderVerificationBlocks } from '../../src/adapters/slack/blocks/verification-blocks.js';
import type { Evidence } from '../../src/core/evidence.js';
import { analyseRootCause } from '../../src/core/rca.js';
import { renderMarkdownReport } from '../../src/core/report/markdown-report.js';
import { renderTreeSummary } from '../../src/core/report/tree-summary.js';
import { startKubernetesEmulator } from '../../sandbox/kubernetes/kubernetes-emulator.js';
import { validateBlocks } from '../../sandbox/slack/block-kit-limits.js';
import { expectGolden } from '../support/golden.js';
import { finishedEvents, finishedRun, INCIDENT, withRecords } from '../unit/report-fixtures.js';
import {
  apiFor,
  COMPONENT,
  DB_PASSWORD,
  FAILED_IMAGE,
  FIXTURES,
  NAMESPACE,
  TARGET_IMAGE,
  TIMEOUT_VALUE,
  waitUntilSettled,
  type ClusterFixture,
} from './evidence-clusters.js';

/**
 * Pod names end in a random suffix and event messages carry pod uids: both are replaced by stable
 * placeholders so the golden files show only what the cluster did, not which random name it drew.
 */
function stable(evidence: Evidence): Evidence {
  let text = JSON.stringify(evidence);
  const names = [...new Set(evidence.pods.map((p) => p.name))].sort();
  names.forEach((name, i) => {
    text = text.replaceAll(name, `${name.slice(0, name.lastIndexOf('-'))}-pod${i + 1}`);
  });
  text = text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UID');
  return JSON.parse(text) as Evidence;
}

async function collect(fixture: ClusterFixture): Promise<Evidence> {
  const k8s = await startKubernetesEmulator({ tickMs: 10, podStartMs: 3000 });
  try {
    const api = apiFor(k8s);
    await fixture.build(k8s, api);
    await waitUntilSettled(api, fixture);
    const kc = new KubeConfig();
    kc.loadFromString(k8s.kubeConfigYaml());
    const clients = new KubeClients(kc).for();
    const evidence = await collectEvidence(clients, NAMESPACE, [COMPONENT], [FAILED_IMAGE], AbortSignal.timeout(10_000), {
      [COMPONENT]: { image: TARGET_IMAGE, revision: 2 },
    });
    expect(k8s.controllerError).toBeUndefined();
    return evidence;
  } finally {
    await k8s.close();
  }
}

describe('fixture clusters per failure class → evidence → root cause', () => {
  it.each(FIXTURES.map((f) => [f.name, f] as const))('%s', async (name, fixture) => {
    const cluster = await collect(fixture);
    const evidence = withRecords(stable(cluster), {
      ...(fixture.migrations ? { migrations: fixture.migrations } : {}),
      ...(name === 'crash-loop' ? { incident: INCIDENT } : {}),
    });

    const rc = analyseRootCause(evidence);
    expect(rc.causes[0]?.kind).toBe(fixture.expectedTop);
    for (const cause of rc.causes) expect(cause.evidence.length).toBeGreaterThan(0);
    if (fixture.expectedTop === undefined) expect(rc.causes).toEqual([]);

    const run = finishedRun(evidence);
    const blocks = renderRootCauseBlocks(run);
    expect(validateBlocks(blocks, 'message')).toEqual([]);
    expect(validateBlocks(renderVerificationBlocks(run), 'message')).toEqual([]);
    const markdown = renderMarkdownReport(run, finishedEvents());
    const tree = renderTreeSummary(run, finishedEvents());
    for (const output of [JSON.stringify(rc), JSON.stringify(blocks), markdown, tree]) {
      expect(output).not.toContain(DB_PASSWORD);
      expect(output).not.toContain(TIMEOUT_VALUE);
    }
    expectGolden(`evidence-${name}-root-cause.json`, blocks);
    expectGolden(`evidence-${name}-report.md`, markdown);
  });

  it('says what the crash log says, without the password it printed', async () => {
    const rc = analyseRootCause(withRecords(await collect(FIXTURES.find((f) => f.name === 'crash-loop')!)));
    const top = rc.causes[0];
    expect(top?.confidence).toBe('high');
    expect(top?.evidence.join('\n')).toContain('FATAL: relation "orders_v2" does not exist');
    expect(JSON.stringify(rc.lastLogLines)).toContain('postgres://checkout:[redacted]@db:5432/shop');
  });

  it('names env vars by name only: removed and changed, never their values', async () => {
    const cluster = await collect(FIXTURES.find((f) => f.name === 'config-change')!);
    expect(cluster.diff?.components[0]?.env).toEqual({ added: [], removed: ['FEATURE_FLAGS_URL'], changed: ['PAYMENT_TIMEOUT_MS'] });
    expect(JSON.stringify(cluster)).not.toContain(TIMEOUT_VALUE);
    expect(JSON.stringify(cluster)).not.toContain('flags.shop.svc');
    expect(cluster.pods.every((p) => p.ready)).toBe(true);
  });

  it('quotes the lowered memory limit under the OOM', async () => {
    const rc = analyseRootCause(withRecords(await collect(FIXTURES.find((f) => f.name === 'oom')!)));
    expect(rc.causes[0]?.evidence.join('\n')).toMatch(/checkout-api: limits\.memory lowered 512Mi → 128Mi/);
  });
});
