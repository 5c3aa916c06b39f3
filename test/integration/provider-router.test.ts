// ProviderRouter: every DeployProvider call goes to the provider the service's catalog entry selects;
// and end to end, a command service and a Helm service behind one router reach their own executables.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CommandProvider } from '../../src/adapters/command/command-provider.js';
import { HelmProvider } from '../../src/adapters/helm/helm-provider.js';
import { ProviderRouter } from '../../src/adapters/provider-router.js';
import type { Step } from '../../src/core/model.js';
import type { DeployProvider } from '../../src/core/ports.js';
import type { Service } from '../../src/core/service.js';
import { makeRun, makeStep } from '../support/builders.js';
import { makeService } from '../support/services.js';

const BIN = fileURLToPath(new URL('../fixtures/bin/', import.meta.url));
const clock = { now: () => new Date() };
const signal = new AbortController().signal;

/** A provider that answers with its own name, so the test sees who was asked. */
function recordingProvider(kind: string, calls: string[]): DeployProvider {
  const at = '2026-11-20T10:00:00.000Z';
  return {
    currentState: async () => {
      calls.push(`${kind}.currentState`);
      return { components: [] };
    },
    execute: async (_run, step) => {
      calls.push(`${kind}.execute`);
      return { index: step.index, status: 'done', startedAt: at, detail: kind };
    },
    dryRun: async (_run, step) => {
      calls.push(`${kind}.dryRun`);
      return { index: step.index, status: 'done', startedAt: at, detail: kind };
    },
    discoverHistory: async () => {
      calls.push(`${kind}.discoverHistory`);
      return [];
    },
    verify: async () => {
      calls.push(`${kind}.verify`);
      return { phase: 'Succeeded', checks: [], startedAt: at, finishedAt: at };
    },
    evidence: async (_run, _service, failedImages) => {
      calls.push(`${kind}.evidence`);
      return { failedImages, pods: [], warnings: [], logs: [] };
    },
  };
}

const services: Record<'kubernetes' | 'helm' | 'command', Service> = {
  kubernetes: makeService(),
  helm: makeService({ target: { kind: 'helm', release: 'checkout', namespace: 'shop', timeoutSeconds: 300 } }),
  command: makeService({ target: { kind: 'command', rollback: ['./rollback.sh'], timeoutSeconds: 60 } }),
};

describe('ProviderRouter', () => {
  it.each(['kubernetes', 'helm', 'command'] as const)('sends every call for a %s service to the %s provider', async (kind) => {
    const calls: string[] = [];
    const router = new ProviderRouter({
      kubernetes: recordingProvider('kubernetes', calls),
      helm: recordingProvider('helm', calls),
      command: recordingProvider('command', calls),
    });
    const service = services[kind];
    const run = makeRun();
    const step = makeStep();

    await router.currentState(service, signal);
    expect((await router.execute(run, step, service, signal)).detail).toBe(kind);
    expect((await router.dryRun(run, step, service, signal)).detail).toBe(kind);
    await router.discoverHistory(service, signal);
    await router.verify(run, service, signal);
    expect(await router.evidence(run, service, ['img:v1'], signal)).toEqual({ failedImages: ['img:v1'], pods: [], warnings: [], logs: [] });

    expect(calls).toEqual(['currentState', 'execute', 'dryRun', 'discoverHistory', 'verify', 'evidence'].map((m) => `${kind}.${m}`));
    expect(router.for(service)).toBe((router as unknown as { providers: Record<string, DeployProvider> }).providers[kind]);
  });

  it('runs real Helm and command providers side by side', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'provider-router-'));
    try {
      const statePath = join(dir, 'state.json');
      const logPath = join(dir, 'helm.log');
      writeFileSync(
        statePath,
        JSON.stringify({
          releases: [
            {
              name: 'checkout',
              namespace: 'shop',
              revisions: [
                {
                  revision: 1,
                  updated: '2026-11-20T09:00:00Z',
                  status: 'deployed',
                  chart: 'checkout-1.4.2',
                  app_version: '1.4.2',
                  description: 'Install complete',
                },
              ],
            },
          ],
        }),
      );
      const calls: string[] = [];
      const router = new ProviderRouter({
        kubernetes: recordingProvider('kubernetes', calls),
        helm: new HelmProvider({ helmBinary: join(BIN, 'helm'), clock, env: { FAKE_HELM_STATE: statePath, FAKE_HELM_LOG: logPath } }),
        command: new CommandProvider({ clock }),
      });
      const commandService = makeService({ target: { kind: 'command', rollback: [join(BIN, 'echo-argv'), '{version}'], timeoutSeconds: 30 } });
      const step: Step = {
        index: 1,
        component: 'checkout',
        description: 'script',
        expectedSeconds: 30,
        kind: 'command',
        argv: [join(BIN, 'echo-argv'), '{version}'],
      };

      const helmState = await router.currentState(services.helm, signal);
      const commandResult = await router.execute(makeRun({ plan: { toVersion: 'v1.2.0', steps: [step] } }), step, commandService, signal);

      expect(helmState.components[0]).toMatchObject({ name: 'checkout', images: ['1.4.2', 'checkout-1.4.2'] });
      expect(readFileSync(logPath, 'utf8')).toContain('"history"');
      expect(commandResult).toMatchObject({ status: 'done', detail: expect.stringContaining('["v1.2.0"]') });
      expect(calls).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
