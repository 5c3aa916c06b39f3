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

const APPS_VERSION = { groupVersion: 'apps/v1', version: 'v1' };

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function apiGroup(): Record<string, unknown> {
  return { kind: 'APIGroup', apiVersion: 'v1', name: 'apps', versions: [APPS_VERSION], preferredVersion: APPS_VERSION };
}

export function apiGroupList(): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: [{ name: 'apps', versions: [APPS_VERSION], preferredVersion: APPS_VERSION }] };
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

export function apiResourceList(group: '' | 'apps'): Record<string, unknown> {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/v1` : 'v1',
    resources: RESOURCES.filter((r) => r.group === group).flatMap(resourceEntries),
  };
}
