// The heap settings the bot ships with: the image and the Kubernetes manifests (base and HA overlay)
// give Node the same NODE_OPTIONS, the image's CMD and `npm start` the same Node flags, the container's
// memory limit leaves room around that heap, and the benchmark runs the bot with exactly these
// (test/support/image-defaults.ts reads them for it).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  defaultRuntimeEnv,
  dockerfileNodeFlags,
  dockerfileRuntimeEnv,
  manifestEnv,
  shippedRuntime,
  startScriptNodeFlags,
} from '../support/image-defaults.js';
import { PROJECT_ROOT } from '../support/bot-process.js';
import { describeWithTool } from '../support/required-tool.js';

type Manifest = Record<string, any>;

const MI = 1024 * 1024;

/** `--max-old-space-size=96` → 96 (MB), or undefined. */
function flag(nodeOptions: string, name: string): number | undefined {
  const match = new RegExp(`--${name}=(\\d+)`).exec(nodeOptions);
  return match ? Number(match[1]) : undefined;
}

/** A Kubernetes memory quantity (binary or decimal suffix) in bytes. */
function bytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)?$/.exec(quantity);
  if (!match) throw new Error(`not a memory quantity: ${quantity}`);
  const unit = { Ki: 1024, Mi: MI, Gi: 1024 * MI, K: 1e3, M: 1e6, G: 1e9 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * unit;
}

function botContainer(docs: Manifest[]): Manifest {
  const deployment = docs.find((d) => d['kind'] === 'Deployment');
  return deployment!['spec']['template']['spec']['containers'].find((c: Manifest) => c['name'] === 'bot');
}

describe('the heap settings of the image and the manifests', () => {
  const image = dockerfileRuntimeEnv(PROJECT_ROOT);
  const manifest = manifestEnv(PROJECT_ROOT);

  it('caps the old generation and the young generation in the image', () => {
    const options = image['NODE_OPTIONS'] ?? '';
    expect(flag(options, 'max-old-space-size')).toBeGreaterThan(0);
    expect(flag(options, 'max-semi-space-size')).toBeGreaterThan(0);
  });

  it('sets the same NODE_OPTIONS in the base Deployment, where operators size it beside the memory limit', () => {
    expect(manifest['NODE_OPTIONS']).toBe(image['NODE_OPTIONS']);
    expect(manifest['MALLOC_ARENA_MAX']).toBe(image['MALLOC_ARENA_MAX']);
  });

  it('leaves room in the memory limit for what is not the JavaScript heap, and requests what the benchmark measured', () => {
    const container = botContainer(
      parseAllDocuments(readFileSync(`${PROJECT_ROOT}/deploy/kubernetes/base/deployment.yaml`, 'utf8')).map((d) => d.toJS() as Manifest),
    );
    const options = manifest['NODE_OPTIONS'] ?? '';
    // Old generation + three semi-spaces (V8's young generation) + code, Node and native memory (~64 MiB measured idle outside the heap).
    const heap = (flag(options, 'max-old-space-size')! + 3 * flag(options, 'max-semi-space-size')!) * MI;
    expect(bytes(container['resources']['limits']['memory'])).toBeGreaterThanOrEqual(heap + 64 * MI);
    // docs/BENCHMARKS.md: RSS after 1,000 rollbacks measured 127–153 MB before --liftoff-only and the 4 MiB page cache,
    // 118–128 MB since; the request still covers the highest, for a Node whose V8 behaves otherwise.
    expect(bytes(container['resources']['requests']['memory'])).toBeGreaterThanOrEqual(155 * 1e6);
    expect(bytes(container['resources']['requests']['memory'])).toBeLessThanOrEqual(bytes(container['resources']['limits']['memory']));
  });

  it('is what the benchmark runs the bot with', () => {
    expect(defaultRuntimeEnv(PROJECT_ROOT)['NODE_OPTIONS']).toBe(manifest['NODE_OPTIONS']);
    expect(defaultRuntimeEnv(PROJECT_ROOT)['NODE_ENV']).toBe(image['NODE_ENV']);
  });
});

describe('the Node flags of the image and npm start', () => {
  const flags = dockerfileNodeFlags(PROJECT_ROOT);

  it("compile undici's WebAssembly HTTP parser with V8's baseline compiler only (its optimizing pass is a ~37 MB native burst)", () => {
    expect(flags).toContain('--liftoff-only');
  });

  it('are the same for `npm start` as for the image, and what the benchmark runs the bot with', () => {
    expect(startScriptNodeFlags(PROJECT_ROOT)).toEqual(flags);
    expect(shippedRuntime(PROJECT_ROOT).nodeFlags).toEqual(flags);
  });

  it('are accepted by this Node (an unknown V8 flag stops node before the bot starts)', () => {
    const run = spawnSync(process.execPath, [...flags, '-e', 'process.exit(0)'], { encoding: 'utf8', timeout: 20_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it("are not replaced by the Deployment: its bot container runs the image's CMD", () => {
    const container = botContainer(
      parseAllDocuments(readFileSync(`${PROJECT_ROOT}/deploy/kubernetes/base/deployment.yaml`, 'utf8')).map((d) => d.toJS() as Manifest),
    );
    expect(container['command']).toBeUndefined();
    expect(container['args']).toBeUndefined();
  });
});

describeWithTool({ command: 'kubectl', debianPackage: 'kubernetes-client' }, 'the heap settings as kustomize renders them', (kubectlPath) => {
  const render = (dir: string) =>
    parseAllDocuments(execFileSync(kubectlPath, ['kustomize', dir], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 20_000 })).map(
      (d) => d.toJS() as Manifest,
    );

  it("keeps the base's NODE_OPTIONS and memory limit in the HA overlay", () => {
    const base = botContainer(render('deploy/kubernetes/base'));
    const ha = botContainer(render('deploy/kubernetes/overlays/ha'));
    const options = (c: Manifest) => (c['env'] as Manifest[]).find((e) => e['name'] === 'NODE_OPTIONS')?.['value'];
    expect(options(base)).toBe(dockerfileRuntimeEnv(PROJECT_ROOT)['NODE_OPTIONS']);
    expect(options(ha)).toBe(options(base));
    expect(ha['resources']).toEqual(base['resources']);
    // Neither replaces the image's CMD, which carries the Node flags.
    for (const c of [base, ha]) expect([c['command'], c['args']]).toEqual([undefined, undefined]);
  });
});
