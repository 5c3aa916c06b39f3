import { RESOURCES, type ResourceDefinition } from './resource-registry.js';

/**
 * Legacy (unaggregated) discovery documents. kubectl asks for aggregated discovery first and
 * falls back to these when the answer is a plain APIGroupList.
 */

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-emulator',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

/** Resources served outside the store: only `create`, answered at once (access reviews). */
export const VIRTUAL_RESOURCES = [
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    entry: {
      name: 'selfsubjectaccessreviews',
      singularName: 'selfsubjectaccessreview',
      namespaced: false,
      kind: 'SelfSubjectAccessReview',
      verbs: ['create'],
    },
  },
];

interface GroupVersion {
  name: string;
  version: string;
}

/** Every named API group, in the order the real server lists them (apps first). */
function groupVersions(): GroupVersion[] {
  const seen = new Map<string, GroupVersion>();
  for (const r of [...RESOURCES, ...VIRTUAL_RESOURCES]) if (r.group && !seen.has(r.group)) seen.set(r.group, { name: r.group, version: r.version });
  return [...seen.values()];
}

function groupEntry(g: GroupVersion): Record<string, unknown> {
  const version = { groupVersion: `${g.name}/${g.version}`, version: g.version };
  return { name: g.name, versions: [version], preferredVersion: version };
}

export function apiGroup(name: string): Record<string, unknown> | undefined {
  const g = groupVersions().find((x) => x.name === name);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(g) } : undefined;
}

export function apiGroupList(): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groupVersions().map(groupEntry) };
}

/** The group and version a `/apis/<group>/<version>` path serves, when the emulator has them. */
export function servedGroupVersion(group: string, version: string): boolean {
  return groupVersions().some((g) => g.name === group && g.version === version);
}

function resourceEntries(def: ResourceDefinition): Array<Record<string, unknown>> {
  const main: Record<string, unknown> = {
    name: def.resource,
    singularName: def.singularName,
    namespaced: def.namespaced,
    kind: def.kind,
    verbs: def.verbs,
  };
  if (def.shortNames) main['shortNames'] = def.shortNames;
  if (def.categories) main['categories'] = def.categories;
  const subs = def.subresources.map((s) => {
    const entry: Record<string, unknown> = {
      name: `${def.resource}/${s.name}`,
      singularName: '',
      namespaced: def.namespaced,
      kind: s.kind,
      verbs: s.verbs,
    };
    if (s.group) entry['group'] = s.group;
    if (s.version) entry['version'] = s.version;
    return entry;
  });
  return [main, ...subs];
}

export function apiResourceList(group: string, version = 'v1'): Record<string, unknown> {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: [
      ...RESOURCES.filter((r) => r.group === group && r.version === version).flatMap(resourceEntries),
      ...VIRTUAL_RESOURCES.filter((r) => r.group === group && r.version === version).map((r) => r.entry),
    ],
  };
}
