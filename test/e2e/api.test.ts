// /api/v1 over real HTTP: the bearer token, body validation naming the field, idempotent records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentBody, startHarness, type Harness } from '../support/bot-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const good = () => deploymentBody({ id: 'deploy-api-1', version: 'v2.0.0', createdAt: '2026-11-20T10:30:00+01:00' });

describe('POST /api/v1/deployments', () => {
  it.each([
    ['no token', null],
    ['a wrong token', 'wrong-token-wrong-token-123'],
  ])('answers 401 with %s and stores nothing', async (_name, token) => {
    const response = await h.api('POST', '/api/v1/deployments', good(), token);
    expect(response.status).toBe(401);
    expect(await h.bot.store.getDeployment('deploy-api-1')).toBeUndefined();
  });

  it.each([
    [
      'a missing version',
      (b: any) => {
        delete b.version;
      },
      'version',
    ],
    [
      'a version with a space',
      (b: any) => {
        b.version = 'v 1';
      },
      'version',
    ],
    [
      'an unknown status',
      (b: any) => {
        b.status = 'great';
      },
      'status',
    ],
    [
      'a time without a zone',
      (b: any) => {
        b.createdAt = 'yesterday';
      },
      'createdAt',
    ],
    [
      'an empty components map',
      (b: any) => {
        b.components = {};
      },
      'components',
    ],
    [
      'a bad component name',
      (b: any) => {
        b.components = { Bad_Name: { image: 'x' } };
      },
      'components.Bad_Name',
    ],
    [
      'a migration missing a flag',
      (b: any) => {
        b.migrations = [{ id: 'm1', reversible: true, destructive: false }];
      },
      'migrations.0.mayLoseData',
    ],
    [
      'an unknown key',
      (b: any) => {
        b.extra = 1;
      },
      '',
    ],
    [
      'a service not in the catalog',
      (b: any) => {
        b.service = 'payments';
      },
      'service',
    ],
  ])('answers 400 naming the field for %s, and stores nothing', async (_name, mutate, path) => {
    const body = good();
    mutate(body);
    const response = await h.api('POST', '/api/v1/deployments', body);
    expect(response.status).toBe(400);
    expect(response.json.error).toEqual(expect.any(String));
    expect(response.json.issues.map((i: { path: string }) => i.path)).toContain(path);
    expect(await h.bot.store.getDeployment('deploy-api-1')).toBeUndefined();
  });

  it('answers 400 for a body that is not JSON, and 415 for another content type', async () => {
    expect((await h.api('POST', '/api/v1/deployments', '{not json')).status).toBe(400);
    const response = await fetch(`${h.bot.url}/api/v1/deployments`, {
      method: 'POST',
      headers: { authorization: 'Bearer harness-api-token-0123456789abcdef', 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(response.status).toBe(415);
  });

  it('creates (201), repeats identically (200), and refuses a different body under the same id (409)', async () => {
    expect((await h.api('POST', '/api/v1/deployments', good())).status).toBe(201);
    expect((await h.api('POST', '/api/v1/deployments', good())).status).toBe(200);
    const changed = { ...good(), version: 'v2.0.1' };
    const conflict = await h.api('POST', '/api/v1/deployments', changed);
    expect(conflict.status).toBe(409);
    expect((await h.bot.store.getDeployment('deploy-api-1'))?.version).toBe('v2.0.0');
    expect((await h.bot.store.getDeployment('deploy-api-1'))?.createdAt).toBe('2026-11-20T09:30:00.000Z');
  });
});

describe('GET /api/v1/rollbacks/:id', () => {
  it('needs the token and answers 404 for an unknown run', async () => {
    expect((await h.api('GET', '/api/v1/rollbacks/rb-nothing', undefined, null)).status).toBe(401);
    const missing = await h.api('GET', '/api/v1/rollbacks/rb-nothing');
    expect(missing.status).toBe(404);
    expect(missing.json.error).toContain('rb-nothing');
  });
});

describe('other routes', () => {
  it('GET /healthz answers while the process is up; unknown paths are 404', async () => {
    expect((await h.api('GET', '/healthz', undefined, null)).status).toBe(200);
    expect((await h.api('GET', '/nope', undefined, null)).status).toBe(404);
  });
});
