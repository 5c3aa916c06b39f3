// deploy/kubernetes/overlays/ha, rendered by kubectl's kustomize as `kubectl apply -k` would: three
// replicas on PostgreSQL that survive a node or zone going away, with no volume and no secret value.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { expect, it } from 'vitest';
import { storeKind } from '../../src/adapters/open-store.js';
import { parseEnv } from '../../src/config/env.js';
import { describeWithTool } from '../support/required-tool.js';

const OVERLAY = 'deploy/kubernetes/overlays/ha';

type Manifest = Record<string, any>;

describeWithTool({ command: 'kubectl', debianPackage: 'kubernetes-client' }, 'the HA overlay, built by kubectl', (kubectlPath) => {
  const render = (dir: string): Manifest[] =>
    parseAllDocuments(execFileSync(kubectlPath, ['kustomize', dir], { encoding: 'utf8', timeout: 20_000 })).map((d) => d.toJS() as Manifest);
  const manifests = render(OVERLAY);
  const ofKind = (kind: string) => manifests.filter((m) => m['kind'] === kind);
  const deployment = ofKind('Deployment')[0]!;
  const pod = deployment['spec'].template.spec;
  const container = pod.containers[0];
  const podLabels = deployment['spec'].template.metadata.labels;
  const template = (file: string) => parse(readFileSync(join(OVERLAY, file), 'utf8')) as Manifest;

  it('renders the base with three replicas replaced one at a time, and no volume claim', () => {
    expect(ofKind('Deployment')).toHaveLength(1);
    expect(deployment['spec'].replicas).toBe(3);
    expect(deployment['spec'].strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(ofKind('PersistentVolumeClaim')).toEqual([]);
    expect(pod.volumes.filter((v: Manifest) => v['persistentVolumeClaim'])).toEqual([]);
    expect(container.volumeMounts.map((m: Manifest) => m['mountPath']).sort()).toEqual(['/config', '/tmp']);
    expect(ofKind('Secret'), 'secret values are never rendered from the repository').toEqual([]);
  });

  it('takes DATABASE_URL from its own Secret, and the environment it builds runs the bot on PostgreSQL', () => {
    const env = container.env as Manifest[];
    expect(env.find((e) => e['name'] === 'DATABASE_PATH')).toBeUndefined();
    const url = env.find((e) => e['name'] === 'DATABASE_URL');
    const secret = template('database-secret.example.yaml');
    expect(url).toEqual({ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: secret['metadata'].name, key: 'DATABASE_URL' } } });
    expect(secret['stringData'].DATABASE_URL).toMatch(/REPLACE-ME/);
    expect(secret['data']).toBeUndefined();
    expect(template('kustomization.yaml')['resources']).not.toContain('database-secret.example.yaml');

    const plain = Object.fromEntries(env.filter((e) => 'value' in e).map((e) => [e['name'], e['value']]));
    const appSecret = parse(readFileSync('deploy/kubernetes/base/secret.example.yaml', 'utf8')) as Manifest;
    const parsed = parseEnv({ ...appSecret['stringData'], ...secret['stringData'], ...plain });
    expect(storeKind({ databasePath: parsed.DATABASE_PATH, databaseUrl: parsed.DATABASE_URL })).toBe('postgresql');
  });

  it('spreads the replicas across nodes (strictly) and zones (as far as there are zones)', () => {
    const spread: Record<string, Manifest> = Object.fromEntries((pod.topologySpreadConstraints as Manifest[]).map((c) => [c['topologyKey'], c]));
    expect(spread['kubernetes.io/hostname']).toMatchObject({ maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' });
    expect(spread['topology.kubernetes.io/zone']).toMatchObject({ maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway' });
    for (const constraint of Object.values(spread)) expect(podLabels).toMatchObject(constraint['labelSelector'].matchLabels);
  });

  it("keeps at least two replicas through voluntary disruptions, and selects exactly the bot's pods", () => {
    const [budget] = ofKind('PodDisruptionBudget');
    expect(budget?.['spec'].minAvailable).toBe(2);
    expect(budget?.['spec'].minAvailable).toBeLessThan(deployment['spec'].replicas);
    expect(podLabels).toMatchObject(budget?.['spec'].selector.matchLabels);
    expect(budget?.['metadata'].namespace).toBe(deployment['metadata'].namespace);
  });

  it("lets the pods reach PostgreSQL, and keeps the base's other rules", () => {
    const [policy] = ofKind('NetworkPolicy');
    const ports = ((policy?.['spec'].egress ?? []) as Manifest[]).flatMap((r) => r['ports'] ?? []);
    expect(ports).toEqual(
      expect.arrayContaining([
        { port: 5432, protocol: 'TCP' },
        { port: 53, protocol: 'UDP' },
        { port: 443, protocol: 'TCP' },
      ]),
    );
  });

  it('leaves `kubectl apply -k deploy/kubernetes` as the one-replica SQLite setup', () => {
    const base = render('deploy/kubernetes');
    const single = base.find((m) => m['kind'] === 'Deployment')!;
    expect(single['spec'].replicas).toBe(1);
    expect(base.map((m) => m['kind'])).toContain('PersistentVolumeClaim');
    expect(base.map((m) => m['kind'])).not.toContain('PodDisruptionBudget');
  });
});
