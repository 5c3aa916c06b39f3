// The same rollback done two ways against the same emulated cluster: `kubectl rollout undo
// --to-revision` followed by `kubectl rollout status`, and the bot's KubernetesProvider executing the
// plan's rollout_undo step (template copied back, rollout watched to completion). Twin Deployments,
// identical history and pod start time; the order alternates so neither side always runs first.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClients } from '../../src/adapters/kubernetes/kube-clients.js';
import { KubernetesProvider } from '../../src/adapters/kubernetes/kubernetes-provider.js';
import { systemClock } from '../../src/bot.js';
import { parseCatalog } from '../../src/config/catalog.js';
import type { Deployment, Run } from '../../src/core/model.js';
import { buildPlan } from '../../src/core/plan.js';
import { startKubernetesEmulator } from '../../sandbox/kubernetes/kubernetes-emulator.js';
import { CHANNEL, IMAGE, USERS } from '../../test/support/bot-harness.js';
import { missingToolMessage, requiredTool } from '../../test/support/find-tool.js';
import type { Row } from '../report.js';
import { median, summarize } from '../stats.js';

const run = promisify(execFile);
const NS = 'cmp';
const VERSIONS = ['v1.0.0', 'v1.1.0', 'v1.2.0'];

const KUBECTL = { command: 'kubectl', debianPackage: 'kubernetes-client' };

export async function benchKubectlCompare(
  o: { pairs: number; replicas: number; podStartMs: number; tickMs: number },
  log: (line: string) => void,
): Promise<Row[]> {
  const kubectl = requiredTool(KUBECTL);
  if (!kubectl) {
    log(`  comparison skipped: ${missingToolMessage(KUBECTL)}`);
    return [
      {
        id: 'kubectl-ratio',
        metric: 'kubectl undo+status ÷ bot provider',
        unit: 'x',
        summary: summarize([]),
        target: '',
        verdict: '',
        note: 'kubectl not installed',
      },
    ];
  }
  const k8s = await startKubernetesEmulator({ allowAnonymous: true, tickMs: o.tickMs, podStartMs: o.podStartMs });
  const dir = mkdtempSync(join(tmpdir(), 'bench-kubectl-'));
  try {
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, k8s.kubeConfigYaml(), { mode: 0o600 });
    const names = Array.from({ length: o.pairs }, (_, i) => [`kc-${i}`, `pv-${i}`]).flat();
    for (const name of names) {
      k8s.seedDeployment({
        namespace: NS,
        name,
        replicas: o.replicas,
        containers: [{ name: 'app', image: IMAGE(name, VERSIONS[2]!) }],
        history: VERSIONS.map((v) => ({ images: { app: IMAGE(name, v) } })),
      });
    }
    const catalog = parseCatalog(
      `services:\n  compare:\n    kubernetes:\n      namespace: ${NS}\n      deployments: [${names.filter((n) => n.startsWith('pv-')).join(', ')}]\n    approvals:\n      approvers: [${USERS.approver}]\n`,
      'bench',
    );
    const service = catalog.services.get('compare')!;
    const kc = new KubeConfig();
    kc.loadFromString(k8s.kubeConfigYaml());
    const provider = new KubernetesProvider(new KubeClients(kc), systemClock);
    const record = (version: string, status: Deployment['status']): Deployment => ({
      id: `compare-${version}`,
      service: 'compare',
      environment: 'production',
      version,
      status,
      createdAt: '2026-11-20T10:00:00.000Z',
      createdBy: 'bench',
      components: Object.fromEntries(
        service.target.kind === 'kubernetes' ? service.target.deployments.map((d) => [d, { image: IMAGE(d, version) }]) : [],
      ),
      migrations: [],
    });
    // The plan the bot would make: every pv-* back to revision 2, read from the cluster as the bot reads it.
    const state = await provider.currentState(service, AbortSignal.timeout(30_000));
    const plan = buildPlan({
      service,
      failed: record(VERSIONS[2]!, 'failed'),
      target: record(VERSIONS[1]!, 'succeeded'),
      state,
      checks: [],
      reason: 'bench',
      dryRun: false,
      now: new Date(),
    });
    const runObject: Run = {
      id: 'rb-benchcompare1',
      status: 'executing',
      plan,
      requestedBy: { kind: 'system', id: 'bench' },
      channel: CHANNEL,
      approvals: [],
      stepResults: [],
      createdAt: plan.createdAt,
      updatedAt: plan.createdAt,
    };

    const kubectlMs: number[] = [];
    const providerMs: number[] = [];
    const common = ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), '-n', NS];
    const env = { PATH: process.env['PATH'] ?? '', HOME: dir };
    for (let i = 0; i < o.pairs; i++) {
      const viaKubectl = async () => {
        const t0 = performance.now();
        await run(kubectl, [...common, 'rollout', 'undo', `deployment/kc-${i}`, '--to-revision=2'], { env });
        await run(kubectl, [...common, 'rollout', 'status', `deployment/kc-${i}`, '--timeout=120s'], { env });
        kubectlMs.push(performance.now() - t0);
      };
      const viaProvider = async () => {
        const step = plan.steps.find((s) => s.component === `pv-${i}`);
        if (!step) throw new Error(`no step for pv-${i}`);
        const t0 = performance.now();
        const result = await provider.execute(runObject, step, service, AbortSignal.timeout(120_000));
        if (result.status !== 'done') throw new Error(`provider step failed: ${result.detail}`);
        providerMs.push(performance.now() - t0);
      };
      for (const side of i % 2 === 0 ? [viaKubectl, viaProvider] : [viaProvider, viaKubectl]) await side();
    }
    for (let i = 0; i < o.pairs; i++) {
      for (const name of [`kc-${i}`, `pv-${i}`]) {
        const image = k8s.getDeployment(NS, name)?.spec.template.spec?.containers?.[0]?.image;
        if (image !== IMAGE(name, VERSIONS[1]!)) throw new Error(`${name} is not on the target after the comparison: ${image}`);
      }
    }
    log(`  ${o.pairs} pairs of ${o.replicas}-replica rollbacks (pods start in ${o.podStartMs} ms)`);
    const ratio = median(kubectlMs) / median(providerMs);
    return [
      {
        id: 'kubectl',
        metric: 'kubectl rollout undo + rollout status',
        unit: 'ms',
        summary: summarize(kubectlMs),
        target: '',
        verdict: '',
        note: `${kubectl}, warm discovery cache`,
        samples: kubectlMs,
      },
      {
        id: 'provider',
        metric: 'bot provider, same rollback',
        unit: 'ms',
        summary: summarize(providerMs),
        target: '',
        verdict: '',
        note: 'KubernetesProvider.execute(rollout_undo), in-process',
        samples: providerMs,
      },
      {
        id: 'kubectl-ratio',
        metric: 'kubectl ÷ bot provider (p50 over p50)',
        unit: 'x',
        summary: { n: o.pairs, p50: ratio, p99: NaN, max: NaN },
        target: '',
        verdict: '',
        note: '>1: the provider is faster',
      },
    ];
  } finally {
    await k8s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
