// By service name: which catalog entry, which deployment, and what the plan says about it.
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/config/catalog.js';
import { UserError } from '../../src/core/errors.js';
import type { Deployment } from '../../src/core/model.js';
import { ago, newestDeploymentCheck, serviceByName } from '../../src/core/use-cases/newest-deployment.js';

const catalog = parseCatalog(
  `
services:
  checkout:
    environment: production
    command: { rollback: ["./rollback.sh"] }
    approvals: { approvers: [U0APPROVE] }
  search:
    environment: staging
    command: { rollback: ["./rollback.sh"] }
    approvals: { approvers: [U0APPROVE] }
`,
  'smartspec.yml',
);

const deployment = (status: Deployment['status']): Deployment => ({
  id: 'deploy-12345',
  service: 'checkout',
  environment: 'production',
  version: 'v1.2.1',
  status,
  createdAt: '2026-11-20T10:30:00Z',
  createdBy: 'ci',
  components: {},
  migrations: [],
});

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('serviceByName', () => {
  it('finds the service, in its environment', () => {
    expect(serviceByName(catalog, 'checkout', undefined).environment).toBe('production');
    expect(serviceByName(catalog, 'checkout', 'production').name).toBe('checkout');
  });

  it('lists the known services for an unknown name', () => {
    const error = userError(() => serviceByName(catalog, 'chekout', undefined));
    expect(error.message).toContain('`chekout` is neither a subcommand nor a service');
    expect(error.message).toContain('`checkout` (production), `search` (staging)');
    expect(error.kind).toBe('not_found');
  });

  it('says which environments a service has when another is asked for', () => {
    expect(userError(() => serviceByName(catalog, 'search', 'production')).message).toContain('not configured for production; it is for staging');
  });
});

describe('newestDeploymentCheck', () => {
  const now = new Date('2026-11-20T10:42:00Z');
  it('names the deployment, its version and age', () => {
    expect(newestDeploymentCheck(deployment('failed'), now)).toEqual({
      id: 'failed_deployment',
      outcome: 'pass',
      message: 'Taken as the failed deploy: newest deployment deploy-12345, v1.2.1, 12 min ago.',
    });
  });

  it('warns when the newest deployment is recorded as succeeded', () => {
    const check = newestDeploymentCheck(deployment('succeeded'), now);
    expect(check.outcome).toBe('warn');
    expect(check.message).toContain('make sure it is the deploy that broke');
  });

  it.each([
    ['2026-11-20T10:41:30Z', 'just now'],
    ['2026-11-20T08:42:00Z', '2 h ago'],
    ['2026-11-16T10:42:00Z', '4 days ago'],
  ])('says %s is %s', (at, text) => {
    expect(ago(at, now)).toBe(text);
  });
});
