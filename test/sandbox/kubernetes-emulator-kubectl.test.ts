import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startKubernetesEmulator, type KubernetesEmulator } from '../../sandbox/kubernetes/kubernetes-emulator.js';
import { describeWithTool } from '../support/required-tool.js';

interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

let emulator: KubernetesEmulator;
let dir: string;
let kubeconfig: string;

function kubectl(kubectlPath: string, ...args: string[]): Promise<KubectlResult> {
  return new Promise((resolve) => {
    execFile(
      kubectlPath,
      ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args],
      { timeout: 30_000, env: { PATH: process.env['PATH'] ?? '', HOME: dir } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() });
      },
    );
  });
}

describeWithTool({ command: 'kubectl', debianPackage: 'kubernetes-client' }, 'kubectl against the Kubernetes emulator', (kubectlPath) => {
  const run = (...args: string[]) => kubectl(kubectlPath, ...args);

  beforeAll(async () => {
    emulator = await startKubernetesEmulator({ allowAnonymous: true, tickMs: 5, podStartMs: 20 });
    dir = mkdtempSync(join(tmpdir(), 'kubectl-emulator-'));
    kubeconfig = join(dir, 'kubeconfig.yaml');
    writeFileSync(kubeconfig, emulator.kubeConfigYaml(), { mode: 0o600 });
    emulator.seedDeployment({
      namespace: 'shop',
      name: 'checkout',
      replicas: 3,
      containers: [{ name: 'api', image: 'registry.example/checkout:v1.1.0' }],
      history: [
        { images: { api: 'registry.example/checkout:v1.1.0' }, annotations: { 'kubernetes.io/change-cause': 'release v1.1.0' } },
        { images: { api: 'registry.example/checkout:v1.2.0' }, annotations: { 'kubernetes.io/change-cause': 'release v1.2.0' } },
        { images: { api: 'registry.example/checkout:v1.2.1' }, annotations: { 'kubernetes.io/change-cause': 'release v1.2.1' } },
      ],
    });
  });

  afterAll(async () => {
    await emulator?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists the rollout history', async () => {
    const result = await run('rollout', 'history', 'deployment/checkout', '-n', 'shop');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const rows = result.stdout.split('\n').map((l) => l.trim().split(/\s{2,}/));
    expect(rows).toEqual(
      expect.arrayContaining([
        ['REVISION', 'CHANGE-CAUSE'],
        ['1', 'release v1.1.0'],
        ['2', 'release v1.2.0'],
        ['3', 'release v1.2.1'],
      ]),
    );
  });

  it('rolls back with rollout undo --to-revision and reports it with rollout status', async () => {
    const undo = await run('rollout', 'undo', 'deployment/checkout', '--to-revision=1', '-n', 'shop');
    expect(undo).toMatchObject({ code: 0, stdout: 'deployment.apps/checkout rolled back\n' });
    expect(emulator.requests).toContainEqual(expect.objectContaining({ method: 'PATCH', contentType: 'application/json-patch+json' }));

    const status = await run('rollout', 'status', 'deployment/checkout', '-n', 'shop', '--timeout=30s');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('deployment "checkout" successfully rolled out');

    const d = emulator.getDeployment('shop', 'checkout');
    expect(d?.spec.template.spec.containers[0]?.image).toBe('registry.example/checkout:v1.1.0');
    expect(d?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('4');
    const history = await run('rollout', 'history', 'deployment/checkout', '-n', 'shop');
    expect(history.stdout).toMatch(/\n2\s+release v1\.2\.0\n3\s+release v1\.2\.1\n4\s+release v1\.1\.0\n/);
  });

  it('fails like a real cluster: unknown revision, and a rollout past its progress deadline', async () => {
    const missing = await run('rollout', 'undo', 'deployment/checkout', '--to-revision=99', '-n', 'shop');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('unable to find specified revision 99 in history');

    emulator.seedDeployment({
      namespace: 'shop',
      name: 'cart',
      replicas: 2,
      containers: [{ name: 'api', image: 'cart:1' }],
      progressDeadlineSeconds: 1,
    });
    emulator.setImageBehaviour('cart:2', 'crash');
    const set = await run('set', 'image', 'deployment/cart', 'api=cart:2', '-n', 'shop');
    expect(set.code).toBe(0);
    const status = await run('rollout', 'status', 'deployment/cart', '-n', 'shop', '--timeout=30s');
    expect(status.code).toBe(1);
    expect(status.stderr).toContain('deployment "cart" exceeded its progress deadline');
  });
});
