// A helm that never finishes: the provider kills it (its whole process group) at the target's timeout
// plus the margin, says the release may be left pending-rollback, and a retry refuses to pile on.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { HelmProvider } from '../../src/adapters/helm/helm-provider.js';
import type { Run, Step } from '../../src/core/model.js';
import type { Service } from '../../src/core/service.js';
import { makeRun } from '../support/builders.js';
import { eventually } from '../support/eventually.js';
import { makeService } from '../support/services.js';

const FAKE_HELM = fileURLToPath(new URL('../fixtures/bin/helm', import.meta.url));
const clock = { now: () => new Date() };

let dir: string;
let statePath: string;
let logPath: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'helm-timeouts-'));
  statePath = join(dir, 'state.json');
  logPath = join(dir, 'helm.log');
  writeFileSync(
    statePath,
    JSON.stringify({
      hang: true,
      releases: [
        {
          name: 'checkout',
          namespace: 'shop',
          revisions: [
            {
              revision: 3,
              updated: '2026-11-20T09:00:00Z',
              status: 'superseded',
              chart: 'checkout-1.4.2',
              app_version: '1.4.2',
              description: 'Upgrade complete',
            },
            {
              revision: 4,
              updated: '2026-11-20T10:30:00Z',
              status: 'deployed',
              chart: 'checkout-1.5.0',
              app_version: '1.5.0',
              description: 'Upgrade complete',
            },
          ],
        },
      ],
    }),
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const service: Service = makeService({ target: { kind: 'helm', release: 'checkout', namespace: 'shop', timeoutSeconds: 1 } });
const step: Step = {
  index: 1,
  component: 'checkout',
  description: 'helm rollback checkout 3',
  expectedSeconds: 120,
  kind: 'helm_rollback',
  release: 'checkout',
  revision: 3,
};
const run: Run = makeRun({
  id: 'rb-helm2',
  status: 'executing',
  createdAt: new Date(Date.now() - 60_000).toISOString(),
  plan: { steps: [step], toVersion: '1.4.2', components: ['checkout'] },
});

function provider(): HelmProvider {
  return new HelmProvider({
    helmBinary: FAKE_HELM,
    clock,
    env: { FAKE_HELM_LOG: logPath, FAKE_HELM_STATE: statePath },
    killGraceMs: 300,
    timeoutMarginSeconds: 0,
  });
}

function rollbackPids(): number[] {
  return readFileSync(logPath, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { argv: string[]; pid: number })
    .filter((e) => e.argv[0] === 'rollback')
    .map((e) => e.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

it('kills a hung helm at the timeout and reports the pending-rollback it left', async () => {
  const started = Date.now();
  const result = await provider().execute(run, step, service, new AbortController().signal);

  expect(result.status).toBe('failed');
  expect(result.detail).toMatch(
    /^`helm rollback checkout 3 -n shop --wait --timeout 1s` timed out after 1 s; its whole process group was killed \(\d+\.\d s\)\n/,
  );
  expect(result.detail).toContain('release checkout is now at revision 5 (pending-rollback: checkout-1.4.2, app 1.4.2)');
  expect(result.detail).toContain('the release may be left in pending-rollback');
  expect(Date.now() - started).toBeLessThan(10_000);
  const [pid] = rollbackPids();
  expect(isAlive(pid!)).toBe(false);

  // The interrupted rollback holds the release: state says so, and a retry does not pile on.
  expect((await provider().currentState(service, new AbortController().signal)).components[0]).toMatchObject({
    pendingOperation: 'pending-rollback',
    rolloutInProgress: true,
  });
  const retry = await provider().execute(run, step, service, new AbortController().signal);
  expect(retry.status).toBe('failed');
  expect(retry.detail).toContain('a rollback to revision 3 is still running or was interrupted');
  expect(rollbackPids()).toHaveLength(1);
});

it('stops helm when the caller aborts', async () => {
  const controller = new AbortController();
  const longService = makeService({ target: { kind: 'helm', release: 'checkout', namespace: 'shop', timeoutSeconds: 300 } });
  const running = provider().execute(run, step, longService, controller.signal);
  await eventually(async () => existsSync(logPath) && rollbackPids().length > 0, 10_000, 'helm rollback to start');
  controller.abort();
  const result = await running;

  expect(result.status).toBe('failed');
  expect(result.detail).toMatch(/--timeout 300s` cancelled; its whole process group was killed/);
  expect(isAlive(rollbackPids()[0]!)).toBe(false);
});
