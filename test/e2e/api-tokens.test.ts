// Machines get only the authority they need: per-service API tokens from the catalog (kept as
// SHA-256), each with scopes and services. Outside its scope a token gets 403 naming the scope and
// nothing happens; the audit names the token that acted; the admin SMARTSPEC_API_TOKEN keeps working.
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHANNEL, DEFAULT_CATALOG, deploymentBody, recordStandardHistory, startHarness, type Harness } from '../support/bot-harness.js';
import { planMessages, realClusterWrites } from './flow-helpers.js';

const TOKENS = {
  ciCheckout: 'ci-checkout-token-0123456789abcdef',
  ciSearch: 'ci-search-token-0123456789abcdefgh',
  reader: 'dashboard-reader-token-0123456789',
};
const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const CATALOG = DEFAULT_CATALOG.replace(
  '# The flows here',
  `  search:
    environment: production
    channel: ${CHANNEL}
    kubernetes: { namespace: shop, deployments: [search] }
    approvals: { approvers: [U0APPROVE] }
apiTokens:
  - { name: ci-checkout, sha256: ${sha(TOKENS.ciCheckout)}, scopes: [record, rollback], services: [checkout] }
  - { name: ci-search, sha256: ${sha(TOKENS.ciSearch)}, scopes: [record, rollback, read], services: [search] }
  - { name: dashboard, sha256: ${sha(TOKENS.reader)}, scopes: [read], services: ['*'] }
# The flows here`,
);

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ catalog: CATALOG });
  await recordStandardHistory(h);
});
afterEach(async () => {
  await h.close();
});

describe('per-service API tokens', () => {
  it('a token acts within its scope, and the audit names it', async () => {
    const recorded = await h.api(
      'POST',
      '/api/v1/deployments',
      deploymentBody({ id: 'deploy-12346', version: 'v1.2.2', createdAt: '2026-11-20T11:00:00Z', status: 'failed' }),
      TOKENS.ciCheckout,
    );
    expect(recorded.status).toBe(201);
    const created = await h.api('POST', '/api/v1/rollbacks', { failedDeploymentId: 'deploy-12346', dryRun: true }, TOKENS.ciCheckout);
    expect(created.status).toBe(201);
    expect(created.json.timeline[0].actor).toMatchObject({ kind: 'api', id: 'ci-checkout' });
    const read = await h.api('GET', `/api/v1/rollbacks/${created.json.id}`, undefined, TOKENS.reader);
    expect(read.status).toBe(200);
    expect((await h.api('GET', `/api/v1/rollbacks/${created.json.id}/report`, undefined, TOKENS.reader)).status).toBe(200);
  });

  it.each([
    [
      'record without the record scope',
      'POST',
      '/api/v1/deployments',
      deploymentBody({ id: 'deploy-77', version: 'v9', createdAt: '2026-11-21T00:00:00Z' }),
      TOKENS.reader,
      /lacks the record scope/,
    ],
    [
      'roll back without the rollback scope',
      'POST',
      '/api/v1/rollbacks',
      { failedDeploymentId: 'deploy-12345' },
      TOKENS.reader,
      /lacks the rollback scope/,
    ],
    [
      'roll back another service',
      'POST',
      '/api/v1/rollbacks',
      { failedDeploymentId: 'deploy-12345' },
      TOKENS.ciSearch,
      /has the rollback scope for search, not for checkout/,
    ],
    [
      'roll back a discovered revision of another service',
      'POST',
      '/api/v1/rollbacks',
      { failedDeploymentId: 'checkout@r3' },
      TOKENS.ciSearch,
      /not for checkout/,
    ],
    ['list every service with a token for one', 'GET', '/api/v1/rollbacks', undefined, TOKENS.ciSearch, /only for search: name the service/],
  ] as const)('403 naming the scope: %s — and nothing happens', async (_name, method, path, body, token, message) => {
    const answer = await h.api(method, path, body, token);
    expect(answer.status).toBe(403);
    expect(answer.json.error).toMatch(message);
    expect(planMessages(h)).toHaveLength(0);
    expect(realClusterWrites(h)).toEqual([]);
    // Nothing was recorded: the same body is new to the admin token.
    if (path === '/api/v1/deployments') expect((await h.api('POST', path, body)).status).toBe(201);
  });

  it('reading a run of another service is 403; a wrong token is 401; the admin token still does everything', async () => {
    const created = await h.api('POST', '/api/v1/rollbacks', { failedDeploymentId: 'deploy-12345', dryRun: true });
    expect(created.status).toBe(201);
    expect(created.json.timeline[0].actor).toMatchObject({ kind: 'api', id: 'api-token' });
    const foreign = await h.api('GET', `/api/v1/rollbacks/${created.json.id}`, undefined, TOKENS.ciSearch);
    expect(foreign.status).toBe(403);
    expect(foreign.json.error).toContain('read scope for search, not for checkout');
    expect((await h.api('GET', `/api/v1/rollbacks/${created.json.id}`, undefined, TOKENS.ciCheckout)).json.error).toContain('lacks the read scope');
    expect((await h.api('GET', '/api/v1/rollbacks?service=search', undefined, TOKENS.ciSearch)).status).toBe(200);
    expect((await h.api('GET', '/api/v1/rollbacks', undefined, 'not-a-token-not-a-token')).status).toBe(401);
    expect((await h.api('GET', '/api/v1/rollbacks')).status).toBe(200);
  });
});
