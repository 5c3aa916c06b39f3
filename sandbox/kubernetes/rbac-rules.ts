import { ApiError } from './api-error.js';

/**
 * An emulated RBAC rule set. Unset, every authenticated request is allowed (a cluster-admin
 * token); set, the API server answers 403 to anything no rule allows and access reviews answer
 * from the same rules. Rehearsals use it to take one permission away ("the bot loses patch on
 * its Deployment") and watch what the bot does.
 */

export interface RbacRule {
  /** '' is the core group; '*' any group. */
  apiGroups: string[];
  /** 'deployments', 'deployments/scale', '*' (subresources must be named, as in RBAC). */
  resources: string[];
  verbs: string[];
  /** Limits the rule to these object names (RBAC's resourceNames). */
  resourceNames?: string[];
  /** Limits the rule to these namespaces (a RoleBinding); unset, cluster-wide (a ClusterRoleBinding). */
  namespaces?: string[];
}

export interface RbacPolicy {
  /** The user the bearer token belongs to, as named in 403 messages. */
  user: string;
  rules: RbacRule[];
}

export interface ResourceAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

function matches(list: string[], value: string): boolean {
  return list.includes('*') || list.includes(value);
}

function ruleAllows(rule: RbacRule, a: ResourceAttributes): boolean {
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  if (!matches(rule.apiGroups, a.group) || !matches(rule.verbs, a.verb)) return false;
  if (!rule.resources.includes('*') && !rule.resources.includes(resource) && !(a.subresource && rule.resources.includes(`${a.resource}/*`)))
    return false;
  // resourceNames never match a request without a name (list, watch, create), as in RBAC.
  if (rule.resourceNames && rule.resourceNames.length > 0 && (!a.name || !rule.resourceNames.includes(a.name))) return false;
  if (rule.namespaces && (!a.namespace || !rule.namespaces.includes(a.namespace))) return false;
  return true;
}

export class RbacAuthorizer {
  private policy: RbacPolicy | undefined;

  set(policy: RbacPolicy | undefined): void {
    this.policy = policy ? { user: policy.user, rules: policy.rules.map((r) => ({ ...r })) } : undefined;
  }

  get enforcing(): boolean {
    return this.policy !== undefined;
  }

  allows(a: ResourceAttributes): boolean {
    return !this.policy || this.policy.rules.some((r) => ruleAllows(r, a));
  }

  /** Throws the 403 a real API server sends when RBAC denies the request. */
  check(a: ResourceAttributes): void {
    if (this.allows(a)) return;
    const user = this.policy?.user ?? 'unknown';
    const qualified = a.group ? `${a.resource}.${a.group}` : a.resource;
    const target = a.name ? `${qualified} "${a.name}"` : qualified;
    const full = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    const scope = a.namespace ? ` in the namespace "${a.namespace}"` : ' at the cluster scope';
    throw new ApiError(
      403,
      'Forbidden',
      `${target} is forbidden: User "${user}" cannot ${a.verb} resource "${full}" in API group "${a.group}"${scope}`,
      {
        ...(a.name ? { name: a.name } : {}),
        group: a.group,
        kind: a.resource,
      },
    );
  }
}
