// What changed between the target revision's pod template and the failed one, read from the two
// ReplicaSets. Env values are compared and dropped on the spot: only names leave this file.
import type { V1Container, V1EnvVar, V1Probe, V1ReplicaSet, V1Volume } from '@kubernetes/client-node';
import type { ComponentDiff, ValueChange } from '../../core/evidence.js';
import type { Run } from '../../core/model.js';
import { parseQuantity } from '../../core/report/quantity.js';
import { revisionOf, templateImages } from './rollout-status.js';

/** Per component: the target the plan rolls back to, so the diff compares with that revision. */
export type EvidenceTargets = Record<string, { image?: string; revision?: number }>;

const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
const CONFIG_HASH_KEY = /(checksum|hash|digest)/i;
const PROBES = ['readinessProbe', 'livenessProbe', 'startupProbe'] as const;
const MAX_PROBE_TEXT = 120;

export function evidenceTargets(run: Run): EvidenceTargets {
  const targets: EvidenceTargets = {};
  for (const step of run.plan.steps) {
    if (step.kind !== 'rollout_undo') continue;
    targets[step.component] = { image: step.target.image, ...(step.target.revision === undefined ? {} : { revision: step.target.revision }) };
  }
  return targets;
}

/**
 * The failed ReplicaSet (newest one running a failed image, else the newest) and the target: the
 * plan's revision, else the newest older one not running a failed image — what `rollout undo` picks.
 */
export function pickReplicaSets(
  newestFirst: V1ReplicaSet[],
  failedImages: string[],
  target?: { image?: string; revision?: number },
): { failed?: V1ReplicaSet; target?: V1ReplicaSet } {
  const runsFailed = (rs: V1ReplicaSet) => templateImages(rs).some((i) => failedImages.includes(i));
  const failed = newestFirst.find(runsFailed) ?? newestFirst[0];
  if (!failed) return {};
  const failedRevision = revisionOf(failed) ?? Number.POSITIVE_INFINITY;
  const chosen =
    (target?.revision !== undefined
      ? newestFirst.find((rs) => revisionOf(rs) === target.revision && (!target.image || templateImages(rs).includes(target.image)))
      : undefined) ??
    (target?.image ? newestFirst.find((rs) => rs !== failed && templateImages(rs).includes(target.image as string)) : undefined) ??
    newestFirst.find((rs) => rs !== failed && (revisionOf(rs) ?? 0) < failedRevision && !runsFailed(rs));
  return chosen ? { failed, target: chosen } : { failed };
}

export function diffReplicaSets(component: string, target: V1ReplicaSet, failed: V1ReplicaSet): ComponentDiff {
  const t = target.spec?.template;
  const f = failed.spec?.template;
  const tContainers = containersOf(t?.spec);
  const fContainers = containersOf(f?.spec);
  const names = [...new Set([...tContainers.keys(), ...fContainers.keys()])];
  const qualify = names.length > 1;
  const diff: ComponentDiff = {
    component,
    images: [],
    env: { added: [], removed: [], changed: [] },
    resources: [],
    probes: [],
    configHashes: [],
    configRefs: { added: [], removed: [] },
  };
  const targetRevision = revisionOf(target);
  const failedRevision = revisionOf(failed);
  if (targetRevision !== undefined) diff.targetRevision = targetRevision;
  if (failedRevision !== undefined) diff.failedRevision = failedRevision;
  for (const name of names) {
    const a = tContainers.get(name);
    const b = fContainers.get(name);
    if (a?.image !== b?.image) diff.images.push(change(name, 'image', a?.image, b?.image));
    diffEnv(diff, qualify ? `${name}/` : '', a?.env ?? [], b?.env ?? []);
    diff.resources.push(...diffResources(name, a, b));
    for (const probe of PROBES) {
      const pa = a?.[probe];
      const pb = b?.[probe];
      if (canonical(pa) === canonical(pb)) continue;
      const [da, db] = describeProbes(pa, pb);
      diff.probes.push(change(name, probe, da, db));
    }
  }
  const ta = Number(target.metadata?.annotations?.[DESIRED_REPLICAS]);
  const fa = Number(failed.metadata?.annotations?.[DESIRED_REPLICAS]);
  if (Number.isInteger(ta) && Number.isInteger(fa) && ta !== fa) diff.replicas = { target: ta, failed: fa };
  diff.configHashes = diffAnnotations(t?.metadata?.annotations ?? {}, f?.metadata?.annotations ?? {});
  const refsA = configRefs(t?.spec);
  const refsB = configRefs(f?.spec);
  diff.configRefs = { added: [...refsB].filter((r) => !refsA.has(r)).sort(), removed: [...refsA].filter((r) => !refsB.has(r)).sort() };
  return diff;
}

type PodSpecLike = { containers?: V1Container[]; initContainers?: V1Container[]; volumes?: V1Volume[] } | undefined;

function containersOf(spec: PodSpecLike): Map<string, V1Container> {
  const map = new Map<string, V1Container>();
  for (const c of spec?.initContainers ?? []) map.set(`init:${c.name}`, c);
  for (const c of spec?.containers ?? []) map.set(c.name, c);
  return map;
}

function change(container: string, field: string, target: string | undefined, failed: string | undefined): ValueChange {
  return { container, field, ...(target === undefined ? {} : { target }), ...(failed === undefined ? {} : { failed }) };
}

function canonical(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Names only: a value is read once to compare, never copied into the result. */
function diffEnv(diff: ComponentDiff, prefix: string, a: V1EnvVar[], b: V1EnvVar[]): void {
  const before = new Map(a.map((e) => [e.name, canonical({ value: e.value, valueFrom: e.valueFrom })]));
  const after = new Map(b.map((e) => [e.name, canonical({ value: e.value, valueFrom: e.valueFrom })]));
  for (const [name, value] of after) {
    if (!before.has(name)) diff.env.added.push(prefix + name);
    else if (before.get(name) !== value) diff.env.changed.push(prefix + name);
  }
  for (const name of before.keys()) if (!after.has(name)) diff.env.removed.push(prefix + name);
}

function diffResources(container: string, a: V1Container | undefined, b: V1Container | undefined): ValueChange[] {
  const out: ValueChange[] = [];
  for (const kind of ['requests', 'limits'] as const) {
    const ra = a?.resources?.[kind] ?? {};
    const rb = b?.resources?.[kind] ?? {};
    for (const key of [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort()) {
      const va = ra[key] === undefined ? undefined : String(ra[key]);
      const vb = rb[key] === undefined ? undefined : String(rb[key]);
      if (va === vb) continue;
      const qa = va === undefined ? undefined : parseQuantity(va);
      if (qa !== undefined && vb !== undefined && qa === parseQuantity(vb)) continue; // "1Gi" vs "1024Mi"
      out.push(change(container, `${kind}.${key}`, va, vb));
    }
  }
  return out;
}

function describeProbe(p: V1Probe): string {
  const http = p.httpGet ? `HTTP GET ${p.httpGet.path ?? '/'} :${String(p.httpGet.port)}` : undefined;
  const tcp = p.tcpSocket ? `TCP :${String(p.tcpSocket.port)}` : undefined;
  const grpc = p.grpc ? `gRPC :${p.grpc.port}` : undefined;
  const exec = p.exec ? `exec ${(p.exec.command ?? []).join(' ')}` : undefined;
  const text = http ?? tcp ?? grpc ?? exec ?? 'probe';
  return text.length > MAX_PROBE_TEXT ? `${text.slice(0, MAX_PROBE_TEXT - 1)}…` : text;
}

function timing(p: V1Probe): string {
  return `delay ${p.initialDelaySeconds ?? 0}s, period ${p.periodSeconds ?? 10}s, timeout ${p.timeoutSeconds ?? 1}s, failures ${p.failureThreshold ?? 3}`;
}

/** The handler alone when that is what changed; with the timings when only they differ. */
function describeProbes(a: V1Probe | undefined, b: V1Probe | undefined): [string | undefined, string | undefined] {
  const da = a && describeProbe(a);
  const db = b && describeProbe(b);
  if (a && b && da === db) return [`${da} (${timing(a)})`, `${db} (${timing(b)})`];
  return [da, db];
}

function diffAnnotations(a: Record<string, string>, b: Record<string, string>): ValueChange[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((k) => CONFIG_HASH_KEY.test(k) && a[k] !== b[k])
    .sort()
    .map((k) => ({ field: k, ...(a[k] === undefined ? {} : { target: a[k] }), ...(b[k] === undefined ? {} : { failed: b[k] }) }));
}

function configRefs(spec: PodSpecLike): Set<string> {
  const refs = new Set<string>();
  for (const v of spec?.volumes ?? []) {
    if (v.configMap?.name) refs.add(`configMap/${v.configMap.name}`);
    if (v.secret?.secretName) refs.add(`secret/${v.secret.secretName}`);
    for (const s of v.projected?.sources ?? []) {
      if (s.configMap?.name) refs.add(`configMap/${s.configMap.name}`);
      if (s.secret?.name) refs.add(`secret/${s.secret.name}`);
    }
  }
  for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
    for (const from of c.envFrom ?? []) {
      if (from.configMapRef?.name) refs.add(`configMap/${from.configMapRef.name}`);
      if (from.secretRef?.name) refs.add(`secret/${from.secretRef.name}`);
    }
  }
  return refs;
}
