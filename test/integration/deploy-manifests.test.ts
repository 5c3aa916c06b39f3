// The kustomize base under deploy/kubernetes/base, held to what the code does: RBAC grants exactly the
// verbs the Kubernetes adapter calls (derived from its sources), and the Deployment is the one
// replica, non-root, read-only, probed pod the operations guide describes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/config/catalog.js';
import { parseEnv } from '../../src/config/env.js';
import { resourceOfPath, scanKubernetesApiUsage } from '../support/kube-api-usage.js';
import { describeWithTool } from '../support/required-tool.js';

const DIR = 'deploy/kubernetes/base';
const SOURCES = 'src/adapters/kubernetes';

interface Permission {
  group: string;
  resource: string;
  verb: string;
}

/**
 * What each client-library method needs from RBAC. A method the adapter starts calling must be added
 * here (the test names it); then the ClusterRole in rbac.yaml gains exactly that rule.
 * 'none': a non-resource URL every client may read.
 */
const API_METHOD_PERMISSIONS: Record<string, Permission | 'none'> = {
  // apps/v1
  readNamespacedDeployment: { group: 'apps', resource: 'deployments', verb: 'get' },
  listNamespacedDeployment: { group: 'apps', resource: 'deployments', verb: 'list' },
  patchNamespacedDeployment: { group: 'apps', resource: 'deployments', verb: 'patch' },
  replaceNamespacedDeployment: { group: 'apps', resource: 'deployments', verb: 'update' },
  readNamespacedDeploymentScale: { group: 'apps', resource: 'deployments/scale', verb: 'get' },
  patchNamespacedDeploymentScale: { group: 'apps', resource: 'deployments/scale', verb: 'patch' },
  replaceNamespacedDeploymentScale: { group: 'apps', resource: 'deployments/scale', verb: 'update' },
  readNamespacedReplicaSet: { group: 'apps', resource: 'replicasets', verb: 'get' },
  listNamespacedReplicaSet: { group: 'apps', resource: 'replicasets', verb: 'list' },
  readNamespacedStatefulSet: { group: 'apps', resource: 'statefulsets', verb: 'get' },
  patchNamespacedStatefulSet: { group: 'apps', resource: 'statefulsets', verb: 'patch' },
  readNamespacedDaemonSet: { group: 'apps', resource: 'daemonsets', verb: 'get' },
  patchNamespacedDaemonSet: { group: 'apps', resource: 'daemonsets', verb: 'patch' },
  listNamespacedControllerRevision: { group: 'apps', resource: 'controllerrevisions', verb: 'list' },
  // core/v1
  readNamespacedPod: { group: '', resource: 'pods', verb: 'get' },
  listNamespacedPod: { group: '', resource: 'pods', verb: 'list' },
  readNamespacedPodLog: { group: '', resource: 'pods/log', verb: 'get' },
  listNamespacedEvent: { group: '', resource: 'events', verb: 'list' },
  readNamespacedService: { group: '', resource: 'services', verb: 'get' },
  listNamespacedService: { group: '', resource: 'services', verb: 'list' },
  patchNamespacedService: { group: '', resource: 'services', verb: 'patch' },
  replaceNamespacedService: { group: '', resource: 'services', verb: 'update' },
  readNamespacedConfigMap: { group: '', resource: 'configmaps', verb: 'get' },
  patchNamespacedConfigMap: { group: '', resource: 'configmaps', verb: 'patch' },
  readNamespacedSecret: { group: '', resource: 'secrets', verb: 'get' },
  // GET /version: system:public-info-viewer lets every client read it.
  getCode: 'none',
  // "May I?": system:basic-user lets every authenticated client review its own access.
  createSelfSubjectAccessReview: 'none',
};

/** CustomObjectsApi methods: the group and resource are the call's literal `group` and `plural`. */
const CUSTOM_OBJECT_VERBS: Record<string, { verb: string; subresource?: string }> = {
  getNamespacedCustomObject: { verb: 'get' },
  listNamespacedCustomObject: { verb: 'list' },
  patchNamespacedCustomObject: { verb: 'patch' },
  patchNamespacedCustomObjectStatus: { verb: 'patch', subresource: 'status' },
};

/**
 * What the code may call but the base deliberately does not grant: reading Secrets (to hash them,
 * kubernetes.configSnapshot) is opt-in through deploy/kubernetes/components/secret-hashes.
 */
const OPT_IN = new Set(['core/secrets:get']);
const OPT_IN_RBAC = 'deploy/kubernetes/components/secret-hashes/rbac.yaml';

const key = (p: Permission) => `${p.group || 'core'}/${p.resource}:${p.verb}`;

type Manifest = Record<string, any>;

function loadManifests(): Array<{ file: string; doc: Manifest }> {
  const out: Array<{ file: string; doc: Manifest }> = [];
  for (const file of readdirSync(DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    for (const document of parseAllDocuments(readFileSync(join(DIR, file), 'utf8'))) {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((e) => e.message).join('; ')}`);
      const doc: unknown = document.toJS();
      if (doc !== null && doc !== undefined) out.push({ file, doc: doc as Manifest });
    }
  }
  return out;
}

const manifests = loadManifests();
const ofKind = (kind: string) => manifests.filter((m) => m.doc['kind'] === kind).map((m) => m.doc);
const one = (kind: string): Manifest => {
  const found = ofKind(kind);
  expect(found, `exactly one ${kind}`).toHaveLength(1);
  return found[0]!;
};

function neededPermissions(): { needed: Set<string>; unknown: string[] } {
  const usage = scanKubernetesApiUsage(SOURCES);
  const needed = new Set<string>();
  const unknown: string[] = [];
  for (const call of usage.calls) {
    const custom = CUSTOM_OBJECT_VERBS[call.method];
    if (custom) {
      if (call.group === undefined || call.plural === undefined)
        unknown.push(`${call.method} without a literal group and plural (${call.file}:${call.line})`);
      else
        needed.add(
          key({ group: call.group, resource: custom.subresource ? `${call.plural}/${custom.subresource}` : call.plural, verb: custom.verb }),
        );
      continue;
    }
    const permission = API_METHOD_PERMISSIONS[call.method];
    if (permission === undefined) unknown.push(`${call.method} (${call.file}:${call.line})`);
    else if (permission !== 'none') needed.add(key(permission));
  }
  for (const watch of usage.watches) {
    const target = resourceOfPath(watch.path);
    if (!target) unknown.push(`watch on ${watch.path} (${watch.file}:${watch.line})`);
    else needed.add(key({ ...target, verb: 'watch' }));
  }
  for (const use of usage.opaque) unknown.push(`${use.path}: the resource is computed at run time (${use.file}:${use.line})`);
  return { needed, unknown };
}

function grantedPermissions(roles: Manifest[]): Set<string> {
  const granted = new Set<string>();
  for (const role of roles) {
    for (const rule of role['rules'] ?? []) {
      for (const group of rule.apiGroups ?? []) {
        for (const resource of rule.resources ?? []) {
          for (const verb of rule.verbs ?? []) granted.add(key({ group, resource, verb }));
        }
      }
    }
  }
  return granted;
}

describe('the API-usage scan', () => {
  it('finds client calls and literal watch paths, skips comments and strings, reports what it cannot map', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kube-scan-'));
    try {
      writeFileSync(
        join(dir, 'sample.ts'),
        [
          '// clients.core.deleteNamespacedSecret({ name }) in a comment does not count',
          "const s = 'clients.apps.deleteNamespacedDeployment()';",
          'await clients.apps.readNamespacedDeployment({ name, namespace });',
          'await clients.core.patchNamespacedService({ name, namespace, body });',
          'await clients.watch.watch(`/api/v1/namespaces/${ns}/pods`, {}, onEvent, onDone);',
          'await clients.watch.watch(pathOf(kind), {}, onEvent, onDone);',
          "const label = image.replace(/:.*$/, '');",
        ].join('\n'),
      );
      const usage = scanKubernetesApiUsage(dir, dir);
      expect(usage.calls.map((c) => `${c.method}@${c.line}`)).toEqual(['readNamespacedDeployment@3', 'patchNamespacedService@4']);
      expect(usage.watches.map((w) => resourceOfPath(w.path))).toEqual([{ group: '', resource: 'pods' }]);
      expect(usage.opaque).toEqual([{ path: 'watch(pathOf(kind))', file: 'sample.ts', line: 6 }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('maps paths to resources, subresources included', () => {
    expect(resourceOfPath('/apis/apps/v1/namespaces/{}/deployments')).toEqual({ group: 'apps', resource: 'deployments' });
    expect(resourceOfPath('/apis/apps/v1/namespaces/{}/deployments/{}/scale')).toEqual({ group: 'apps', resource: 'deployments/scale' });
    expect(resourceOfPath('/api/v1/namespaces/{}/pods/{}/log')).toEqual({ group: '', resource: 'pods/log' });
    expect(resourceOfPath('/version')).toBeUndefined();
  });
});

describe('deploy/kubernetes RBAC', () => {
  const roles = [...ofKind('ClusterRole'), ...ofKind('Role')];

  it('derives what the code calls, and knows every call', () => {
    const { needed, unknown } = neededPermissions();
    expect(unknown, 'add these client calls to API_METHOD_PERMISSIONS in this test, then to rbac.yaml').toEqual([]);
    // The calls the rollback itself cannot do without; if one vanishes the scan is broken, not the code.
    expect([...needed]).toEqual(
      expect.arrayContaining(['apps/deployments:get', 'apps/deployments:patch', 'apps/deployments:watch', 'apps/replicasets:list']),
    );
  });

  it('grants exactly the verbs the code uses: nothing more, nothing less', () => {
    expect(roles.length).toBeGreaterThan(0);
    const { needed } = neededPermissions();
    const granted = grantedPermissions(roles);
    const extra = [...granted].filter((p) => !needed.has(p)).sort();
    const missing = [...needed].filter((p) => !granted.has(p) && !OPT_IN.has(p)).sort();
    expect({ extra, missing }).toEqual({ extra: [], missing: [] });
  });

  it('grants Secret reads only in the opt-in component, and exactly what the code reads', () => {
    const optIn = parseAllDocuments(readFileSync(OPT_IN_RBAC, 'utf8'))
      .map((d) => d.toJS() as Manifest)
      .filter((d) => d['kind'] === 'ClusterRole');
    const { needed } = neededPermissions();
    expect([...grantedPermissions(optIn)].sort()).toEqual([...OPT_IN].filter((p) => needed.has(p)).sort());
    expect([...OPT_IN]).toEqual(['core/secrets:get']);
  });

  it('has no wildcards, nothing on secrets, no non-resource URLs and no privilege verbs', () => {
    for (const role of roles) {
      for (const rule of role['rules'] ?? []) {
        for (const field of ['apiGroups', 'resources', 'verbs', 'resourceNames']) {
          expect(rule[field] ?? [], `${role['metadata'].name}: ${field}`).not.toContain('*');
        }
        expect(rule.resources ?? []).not.toEqual(expect.arrayContaining([expect.stringMatching(/^secrets(\/|$)/)]));
        expect(rule.nonResourceURLs).toBeUndefined();
        for (const verb of ['escalate', 'bind', 'impersonate', 'create', 'delete', 'deletecollection']) expect(rule.verbs ?? []).not.toContain(verb);
      }
    }
  });

  it("binds the role to the bot's ServiceAccount only, namespace by namespace", () => {
    const account = one('ServiceAccount');
    expect(ofKind('ClusterRoleBinding'), 'a ClusterRoleBinding would grant every namespace').toEqual([]);
    const bindings = ofKind('RoleBinding');
    expect(bindings.length).toBeGreaterThan(0);
    for (const binding of bindings) {
      expect(roles.map((r) => r['metadata'].name)).toContain(binding['roleRef'].name);
      expect(binding['subjects']).toEqual([{ kind: 'ServiceAccount', name: account['metadata'].name, namespace: account['metadata'].namespace }]);
      expect(binding['metadata'].namespace, 'a RoleBinding lives in the namespace it grants').not.toBe(account['metadata'].namespace);
    }
  });
});

describe('deploy/kubernetes Deployment', () => {
  const deployment = one('Deployment');
  const pod = deployment['spec'].template.spec;
  const container = pod.containers[0];

  it('runs one replica and never two at once (SQLite has one writer)', () => {
    expect(deployment['spec'].replicas).toBe(1);
    expect(deployment['spec'].strategy).toEqual({ type: 'Recreate' });
    expect(pod.containers).toHaveLength(1);
  });

  it('runs as non-root on a read-only root filesystem with no capabilities', () => {
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.serviceAccountName).toBe(one('ServiceAccount')['metadata'].name);
  });

  it('probes /healthz for liveness and /readyz for readiness, on the container port', () => {
    const port = container.ports.find((p: Manifest) => p['name'] === 'http');
    expect(port?.containerPort).toBe(3000);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    // Each readiness check is bounded at 3 s; the probe must wait longer than that.
    expect(container.readinessProbe.timeoutSeconds).toBeGreaterThan(3);
    expect(container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.resources.limits.memory).toEqual(expect.any(String));
  });

  it('keeps the database on the claim, the catalog in the ConfigMap and /tmp in memory', () => {
    const env = Object.fromEntries(container.env.map((e: Manifest) => [e['name'], e['value']]));
    const mount = (path: string) => container.volumeMounts.find((m: Manifest) => path === m['mountPath'] || path.startsWith(`${m['mountPath']}/`));
    const volume = (name: string) => pod.volumes.find((v: Manifest) => v['name'] === name);

    const dataVolume = volume(mount(env['DATABASE_PATH']).name);
    expect(dataVolume.persistentVolumeClaim.claimName).toBe(one('PersistentVolumeClaim')['metadata'].name);
    expect(one('PersistentVolumeClaim')['spec'].accessModes).toEqual(['ReadWriteOnce']);

    const configMount = mount(env['SMARTSPEC_CONFIG']);
    expect(configMount.readOnly).toBe(true);
    const configMap = one('ConfigMap');
    expect(volume(configMount.name).configMap.name).toBe(configMap['metadata'].name);
    const fileName = env['SMARTSPEC_CONFIG'].slice(configMount.mountPath.length + 1);
    const catalog = parseCatalog(configMap['data'][fileName], `${DIR}/configmap.yaml`);
    expect(catalog.services.size).toBeGreaterThan(0);

    expect(volume(mount('/tmp').name).emptyDir).toBeDefined();
  });

  it('takes its secrets from the Secret the template describes, and the whole environment parses', () => {
    const secret = one('Secret');
    expect(container.envFrom).toEqual([{ secretRef: { name: secret['metadata'].name } }]);
    const env = Object.fromEntries(container.env.map((e: Manifest) => [e['name'], e['value']]));
    expect(() => parseEnv({ ...secret['stringData'], ...env })).not.toThrow();
  });

  it('ships only placeholders in the Secret template, and never applies it', () => {
    const secret = one('Secret');
    expect(secret['data']).toBeUndefined();
    for (const [name, value] of Object.entries(secret['stringData'] as Record<string, string>)) {
      expect(value, name).toMatch(/REPLACE-ME/);
    }
    const kustomization = one('Kustomization');
    expect(kustomization['resources']).not.toContain('secret.example.yaml');
  });
});

describe('deploy/kubernetes wiring', () => {
  it('lists every manifest in the kustomization, except the Secret template', () => {
    const files = readdirSync(DIR)
      .filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml' && f !== 'secret.example.yaml')
      .sort();
    expect([...one('Kustomization')['resources']].sort()).toEqual(files);
  });

  it("routes the Service and the NetworkPolicy to the pod's HTTP port", () => {
    const labels = one('Deployment')['spec'].template.metadata.labels;
    const service = one('Service');
    expect(labels).toMatchObject(service['spec'].selector);
    expect(service['spec'].ports[0].targetPort).toBe('http');
    const policy = one('NetworkPolicy');
    expect(labels).toMatchObject(policy['spec'].podSelector.matchLabels);
    expect(policy['spec'].policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy['spec'].ingress.flatMap((r: Manifest) => r['ports'])).toEqual([{ port: 'http', protocol: 'TCP' }]);
    const egressPorts = policy['spec'].egress.flatMap((r: Manifest) => r['ports'] ?? []);
    expect(egressPorts).toEqual(
      expect.arrayContaining([
        { port: 53, protocol: 'UDP' },
        { port: 443, protocol: 'TCP' },
      ]),
    );
  });
});

describeWithTool({ command: 'kubectl', debianPackage: 'kubernetes-client' }, 'the kustomize base, built by kubectl', (kubectlPath) => {
  it('builds with kustomize (kubectl kustomize)', () => {
    const out = execFileSync(kubectlPath, ['kustomize', DIR], { encoding: 'utf8', timeout: 20_000 });
    const kinds = parseAllDocuments(out).map((d) => (d.toJS() as Manifest)['kind']);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Namespace',
        'ServiceAccount',
        'ClusterRole',
        'RoleBinding',
        'ConfigMap',
        'PersistentVolumeClaim',
        'Deployment',
        'Service',
        'NetworkPolicy',
      ]),
    );
    expect(kinds).not.toContain('Secret');
    expect(out).toContain('image: registry.example.com/smartspec-rollback:0.1.0');
  });
});
