// main.ts as a real process: configuration errors exit 2 naming what is wrong; a good config serves
// /healthz; SIGTERM stops it cleanly.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG } from '../support/bot-harness.js';
import { startBotProcess, type BotProcess } from '../support/bot-process.js';
import { runMain, startStartupWorld, type StartupWorld } from '../support/startup-world.js';

let world: StartupWorld;
let baseEnv: Record<string, string>;
let dir: string;
let bot: BotProcess | undefined;

beforeAll(async () => {
  world = await startStartupWorld(DEFAULT_CATALOG);
  baseEnv = world.env;
  dir = world.dir;
});
afterAll(async () => {
  // Also when an assertion failed before the test's own SIGTERM.
  await bot?.kill('SIGKILL');
  await world.close();
});

describe('starting the bot', () => {
  it.each([
    [
      'a missing bot token',
      (e: Record<string, string>) => {
        delete e['SLACK_BOT_TOKEN'];
      },
      /SLACK_BOT_TOKEN: is required/,
    ],
    [
      'a malformed port',
      (e: Record<string, string>) => {
        e['PORT'] = 'http';
      },
      /PORT: must be a port number/,
    ],
    [
      'a missing catalog',
      (e: Record<string, string>) => {
        e['SMARTSPEC_CONFIG'] = '/nonexistent/smartspec.yml';
      },
      /\/nonexistent\/smartspec.yml: cannot be read \(ENOENT\)/,
    ],
  ])('exits 2 on %s, naming it', async (_name, mutate, message) => {
    const env = { ...baseEnv };
    mutate(env);
    const result = await runMain(env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('exits 2 on a malformed catalog, naming the file and the key', async () => {
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, DEFAULT_CATALOG.replace('required: 1', 'required: one'));
    const result = await runMain({ ...baseEnv, SMARTSPEC_CONFIG: bad });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${bad}: services.checkout.approvals.required:`);
  });

  it('exits 2 when a catalog context is not in the kubeconfig', async () => {
    const bad = join(dir, 'ctx.yml');
    writeFileSync(bad, DEFAULT_CATALOG.replace('namespace: shop', 'namespace: shop\n      context: prod-eu'));
    const result = await runMain({ ...baseEnv, SMARTSPEC_CONFIG: bad });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('services.checkout.kubernetes.context: "prod-eu" is not a context in the kubeconfig');
  });

  it('serves /healthz with a good configuration and stops cleanly on SIGTERM', async () => {
    bot = await startBotProcess({ env: baseEnv, startTimeoutMs: 20_000 });
    const health = await fetch(`${bot.url}/healthz`);
    expect(health.status).toBe(200);
    // The catalog's checkout has no verification checks: said once at start, naming the service.
    expect(bot.lines.some((l) => l.includes('service checkout has no verification checks'))).toBe(true);
    expect(await bot.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
