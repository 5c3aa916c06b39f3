import { badRequest, invalid } from './api-error.js';
import { isPlainObject } from './json-value.js';
import type { RbacAuthorizer } from './rbac-rules.js';

/**
 * `POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews` (what `kubectl auth can-i`
 * sends): answered from the emulated RBAC rules, never stored.
 */
export function reviewSelfAccess(authorizer: RbacAuthorizer, body: unknown): Record<string, unknown> {
  if (!isPlainObject(body)) throw badRequest('the body of the request is not a SelfSubjectAccessReview object');
  if (body['kind'] !== undefined && body['kind'] !== 'SelfSubjectAccessReview') {
    throw badRequest(`the kind in the data (${String(body['kind'])}) does not match the expected kind (SelfSubjectAccessReview)`);
  }
  const spec = isPlainObject(body['spec']) ? body['spec'] : {};
  const attrs = spec['resourceAttributes'];
  const nonResource = spec['nonResourceAttributes'];
  if ((attrs === undefined) === (nonResource === undefined)) {
    throw invalid('SelfSubjectAccessReview', 'authorization.k8s.io', '', [
      {
        field: 'spec.resourceAttributes',
        message: `Invalid value: ${JSON.stringify(spec)}: exactly one of nonResourceAttributes or resourceAttributes must be specified`,
      },
    ]);
  }
  let allowed = true;
  if (isPlainObject(attrs)) {
    const text = (key: string): string => (typeof attrs[key] === 'string' ? (attrs[key] as string) : '');
    allowed = authorizer.allows({
      verb: text('verb'),
      group: text('group'),
      resource: text('resource'),
      ...(text('subresource') ? { subresource: text('subresource') } : {}),
      ...(text('namespace') ? { namespace: text('namespace') } : {}),
      ...(text('name') ? { name: text('name') } : {}),
    });
  }
  // Non-resource URLs (/healthz, /version, discovery) are open to every authenticated user here.
  const status: Record<string, unknown> = { allowed };
  if (allowed) status['reason'] = authorizer.enforcing ? 'allowed by the emulated RBAC rules' : 'the emulator allows every authenticated request';
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec,
    status,
  };
}
