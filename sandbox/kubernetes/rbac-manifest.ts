import { parseAllDocuments } from 'yaml';
import type { RbacPolicy, RbacRule } from './rbac-rules.js';

/**
 * The emulated RBAC policy a ClusterRole or Role manifest grants (e.g. the bot's own
 * deploy/kubernetes/base/rbac.yaml), so a test runs the bot with exactly the permissions it ships
 * with, or a rehearsal takes one away. `namespaces` plays the RoleBindings.
 */
export function policyFromRoleManifest(text: string, user: string, namespaces?: string[]): RbacPolicy {
  const rules: RbacRule[] = [];
  for (const document of parseAllDocuments(text)) {
    const doc = document.toJS() as { kind?: string; rules?: Array<Partial<RbacRule>> } | null;
    if (!doc || (doc.kind !== 'ClusterRole' && doc.kind !== 'Role')) continue;
    for (const rule of doc.rules ?? []) {
      rules.push({
        apiGroups: rule.apiGroups ?? [],
        resources: rule.resources ?? [],
        verbs: rule.verbs ?? [],
        ...(rule.resourceNames ? { resourceNames: rule.resourceNames } : {}),
        ...(namespaces ? { namespaces } : {}),
      });
    }
  }
  if (rules.length === 0) throw new Error('the manifest holds no ClusterRole or Role rules');
  return { user, rules };
}

/** The same policy without one verb on one resource: "the bot loses patch on deployments". */
export function withoutPermission(policy: RbacPolicy, group: string, resource: string, verb: string): RbacPolicy {
  return {
    user: policy.user,
    rules: policy.rules.flatMap((rule) => {
      if (!rule.apiGroups.includes(group) || !rule.resources.includes(resource) || !rule.verbs.includes(verb)) return [rule];
      const rest = rule.resources.filter((r) => r !== resource);
      const kept: RbacRule[] = rest.length > 0 ? [{ ...rule, resources: rest }] : [];
      const verbs = rule.verbs.filter((v) => v !== verb);
      return verbs.length > 0 ? [...kept, { ...rule, resources: [resource], verbs }] : kept;
    }),
  };
}
