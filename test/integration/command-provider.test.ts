// CommandProvider against real fixture executables: argv passed literally (no shell), output captured
// bounded and scrubbed, and timeouts and cancels that kill the whole process group.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandProvider } from '../../src/adapters/command/command-provider.js';
import type { Run, Step } from '../../src/core/model.js';
import type { Service } from '../../src/core/service.js';
import { makeRun } from '../support/builders.js';
import { eventually } from '../support/eventually.js';
import { makeService } from '../support/services.js';

const BIN = fileURLToPath(new URL('../fixtures/bin/', import.meta.url));
const clock = { now: () => new Date() };
const never = () => new AbortController().signal;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'command-provider-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function commandService(rollback: string[], timeoutSeconds = 30, name = 'checkout'): Service {
  return makeService({ name, target: { kind: 'command', rollback, timeoutSeconds } });
}

function commandStep(argv: string[]): Step {
  return { index: 1, component: 'checkout', description: 'run the rollback script', expectedSeconds: 30, kind: 'command', argv };
}

function runFor(step: Step, toVersion = 'v1.2.0', id = 'rb-test1'): Run {
  return makeRun({ id, status: 'executing', plan: { steps: [step], toVersion, components: ['checkout'] } });
}

/** Alive and not a zombie: a killed child whose parent died may linger unreaped in a container. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function pidsFrom(file: string): { pid: number; grandchild: number } {
  return JSON.parse(readFileSync(file, 'utf8')) as { pid: number; grandchild: number };
}

async function execute(
  provider: CommandProvider,
  argv: string[],
  opts: { timeoutSeconds?: number; toVersion?: string; name?: string; signal?: AbortSignal } = {},
) {
  const service = commandService(argv, opts.timeoutSeconds, opts.name);
  const step = commandStep(argv);
  return provider.execute(runFor(step, opts.toVersion), step, service, opts.signal ?? never());
}

describe('CommandProvider.execute', () => {
  it('passes hostile values as single literal arguments: no shell ever sees them', async () => {
    const provider = new CommandProvider({ clock });
    const marker = join(dir, 'pwned');
    const hostile = `v1 ; touch ${marker} $(touch ${marker}) \`touch ${marker}\` | cat > ${marker} {runId}`;
    const argv = [join(BIN, 'echo-argv'), '{service}', '--to={version}', '{environment}', '{runId}', 'literal $HOME *'];
    const result = await execute(provider, argv, { toVersion: hostile, name: 'check out' });

    expect(result.status).toBe('done');
    const printed = JSON.parse(result.detail.split('\n').at(-1)!) as string[];
    // {runId} inside the value is not expanded a second time.
    expect(printed).toEqual(['check out', `--to=${hostile}`, 'production', 'rb-test1', 'literal $HOME *']);
    expect(existsSync(marker)).toBe(false);
    expect(result.detail.split('\n')[0]).toMatch(/^`.*echo-argv 'check out' '--to=v1 ; touch .*` exit 0 \(\d+\.\d s\)$/);
  });

  it('captures the last 20 lines, each at most 300 characters, scrubbed, without terminal escapes', async () => {
    const provider = new CommandProvider({ clock });
    const result = await execute(provider, [join(BIN, 'noisy-rollback'), '30', '0']);

    expect(result.status).toBe('done');
    const [head, caption, ...lines] = result.detail.split('\n');
    expect(head).toMatch(/exit 0 \(\d+\.\d s\)$/);
    expect(caption).toBe('output (last 20 of 34 lines):');
    expect(lines).toHaveLength(20);
    expect(lines.every((l) => l.length <= 300)).toBe(true);
    expect(lines).toContain('line 30');
    expect(lines).not.toContain('line 1');
    expect(lines).toContain('[private key redacted]');
    expect(lines).toContain(`${'x'.repeat(299)}…`);
    expect(lines).toContain('finished with exit 0');
    expect(result.detail).toContain('password=[redacted]');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no escape character may survive the scrubbing
    expect(result.detail).not.toMatch(/hunter2|secretkeymaterial|\x1b/);
  });

  it('fails the step on a non-zero exit, with the exit code and the output', async () => {
    const provider = new CommandProvider({ clock });
    const result = await execute(provider, [join(BIN, 'noisy-rollback'), '2', '7']);

    expect(result.status).toBe('failed');
    expect(result.detail.split('\n')[0]).toMatch(/ exit 7 \(\d+\.\d s\)$/);
    expect(result.detail).toContain('finished with exit 7');
    expect(result.finishedAt).toBeDefined();
  });

  it('kills the whole process group at the timeout, grandchild included', async () => {
    const provider = new CommandProvider({ clock, killGraceMs: 500 });
    const pidFile = join(dir, 'pids.json');
    const started = Date.now();
    const result = await execute(provider, [join(BIN, 'hang-with-grandchild'), pidFile], { timeoutSeconds: 1 });

    expect(result.status).toBe('failed');
    expect(result.detail).toMatch(/timed out after 1 s; its whole process group was killed/);
    expect(result.detail).toMatch(/started sleep \d+/);
    expect(Date.now() - started).toBeLessThan(10_000);
    const { pid, grandchild } = pidsFrom(pidFile);
    expect(isAlive(pid)).toBe(false);
    expect(isAlive(grandchild)).toBe(false);
  });

  it('escalates to SIGKILL when the command ignores SIGTERM', async () => {
    const provider = new CommandProvider({ clock, killGraceMs: 300 });
    const pidFile = join(dir, 'pids.json');
    const result = await execute(provider, [join(BIN, 'hang-with-grandchild'), pidFile, 'ignore-term'], { timeoutSeconds: 1 });

    expect(result.status).toBe('failed');
    expect(result.detail).toContain('ignoring SIGTERM');
    const { pid, grandchild } = pidsFrom(pidFile);
    expect(isAlive(pid)).toBe(false);
    expect(isAlive(grandchild)).toBe(false);
  });

  it('stops the whole process group when the caller aborts', async () => {
    const provider = new CommandProvider({ clock, killGraceMs: 500 });
    const pidFile = join(dir, 'pids.json');
    const controller = new AbortController();
    const running = execute(provider, [join(BIN, 'hang-with-grandchild'), pidFile], { timeoutSeconds: 60, signal: controller.signal });
    await eventually(async () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').length > 0, 10_000, 'the script to start');
    controller.abort();
    const result = await running;

    expect(result.status).toBe('failed');
    expect(result.detail).toMatch(/cancelled; its whole process group was killed/);
    const { pid, grandchild } = pidsFrom(pidFile);
    expect(isAlive(pid)).toBe(false);
    expect(isAlive(grandchild)).toBe(false);
  });

  it('does not wait for the timeout when the command exits but leaves a child holding its output', async () => {
    const provider = new CommandProvider({ clock, killGraceMs: 300 });
    const pidFile = join(dir, 'pids.json');
    const started = Date.now();
    const result = await execute(provider, [join(BIN, 'exit-leaving-child'), pidFile], { timeoutSeconds: 60 });

    expect(result.status).toBe('done');
    expect(result.detail).toContain('rolled back');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(isAlive(pidsFrom(pidFile).grandchild)).toBe(false);
  });

  it('reports a command that cannot start', async () => {
    const provider = new CommandProvider({ clock });
    const result = await execute(provider, [join(dir, 'no-such-script'), '{version}']);

    expect(result.status).toBe('failed');
    expect(result.detail).toContain('could not start (ENOENT)');
  });

  it('scrubs secrets written into the command line itself', async () => {
    const provider = new CommandProvider({ clock });
    const result = await execute(provider, [join(BIN, 'echo-argv'), '--api-key=sk_live_0123456789abcdefABCD']);

    expect(result.status).toBe('done');
    expect(result.detail).not.toContain('0123456789abcdef');
  });

  it('refuses an unknown placeholder instead of passing it on literally', async () => {
    const provider = new CommandProvider({ clock });
    const result = await execute(provider, [join(BIN, 'echo-argv'), '{verison}']);

    expect(result.status).toBe('failed');
    expect(result.detail).toMatch(/unknown placeholder \{verison\}/);
  });

  it('refuses a step of another kind', async () => {
    const provider = new CommandProvider({ clock });
    const service = commandService([join(BIN, 'echo-argv')]);
    const step: Step = {
      index: 1,
      component: 'checkout',
      description: 'helm',
      expectedSeconds: 1,
      kind: 'helm_rollback',
      release: 'checkout',
      revision: 3,
    };
    const result = await provider.execute(runFor(step), step, service, never());

    expect(result).toMatchObject({ status: 'failed', detail: 'a helm_rollback step cannot run on a command service' });
  });
});

describe('CommandProvider, everything but execute', () => {
  it('dry run runs nothing and shows the exact argv that would run', async () => {
    const provider = new CommandProvider({ clock });
    const marker = join(dir, 'ran');
    const argv = ['/usr/bin/touch', marker, '{version}'];
    const step = commandStep(argv);
    const result = await provider.dryRun(runFor(step, 'v1 2'), step, commandService(argv, 45), never());

    expect(result.status).toBe('done');
    expect(result.detail).toBe(
      `commands cannot be dry-run; nothing was run. It would run \`/usr/bin/touch ${marker} 'v1 2'\` (no shell, timeout 45 s)`,
    );
    expect(existsSync(marker)).toBe(false);
  });

  it('claims no state, no history and no evidence, and verifies by skipping', async () => {
    const provider = new CommandProvider({ clock });
    const service = commandService([join(BIN, 'echo-argv')]);
    const run = runFor(commandStep(['x']));

    expect(await provider.currentState(service, never())).toEqual({ components: [] });
    expect(await provider.discoverHistory(service, never())).toEqual([]);
    expect(await provider.evidence(run, service, ['img:v1'], never())).toEqual({ failedImages: ['img:v1'], pods: [], warnings: [], logs: [] });
    const verification = await provider.verify(run, service, never());
    expect(verification.phase).toBe('Succeeded');
    expect(verification.checks).toEqual([expect.objectContaining({ phase: 'skipped', detail: expect.stringContaining('no state to verify') })]);
  });

  it('is not for services of another kind', async () => {
    const provider = new CommandProvider({ clock });
    await expect(provider.currentState(makeService(), never())).rejects.toThrow('not rolled back by a command');
  });
});
