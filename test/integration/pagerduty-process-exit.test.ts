// Nothing the PagerDuty adapter starts may keep a process alive after its calls settle: pdjs's
// own request timer (30 s by default, and it does not even time the request out) is the trap.
// Vitest does not wait for a worker's stray timers, so this runs the client in a child process
// and watches it exit; the fake stays in this process, so the child holds only client handles.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakePagerDuty, startFakePagerDuty } from '../../sandbox/pagerduty/fake-pagerduty.js';

const TOKEN = 'pd-token-for-exit-test';
const ROOT = resolve(import.meta.dirname, '../..');
const moduleUrl = (path: string) => pathToFileURL(resolve(ROOT, path)).href;

/** Generous: the trap holds a process for 30 s; a healthy exit takes milliseconds. */
const PROMPT_EXIT_MS = 5000;

const SERVICE_SCRIPT = `
import { PagerDutyIncidentService } from ${JSON.stringify(moduleUrl('src/adapters/pagerduty/pagerduty-incident-service.ts'))};
const { REST_URL, EVENTS_URL, TOKEN } = process.env;
const svc = new PagerDutyIncidentService({ token: TOKEN, from: 'bot@example.com', restUrl: REST_URL, eventsUrl: EVENTS_URL, eventRetryDelaysMs: [] });
const outcome = async (work) => { try { await work; return 'ok'; } catch (e) { return e.kind; } };
const abortSoon = () => { const c = new AbortController(); setTimeout(() => c.abort(), 150); return c.signal; };
const alert = { routingKey: 'R'.repeat(32), summary: 's', source: 'smartspec', severity: 'error', dedupKey: 'd', details: {} };
const results = {
  // Answered calls (the fake answers these) …
  note: await outcome(svc.addNote('PINC001', 'hello', AbortSignal.timeout(5000))),
  timeline: await outcome(svc.timeline('PINC001', AbortSignal.timeout(5000))),
  alert: await outcome(svc.triggerAlert(alert, AbortSignal.timeout(5000))),
  // … then calls the fake never answers, aborted by the caller.
  stalledNote: await outcome(svc.addNote('PINC001', 'stalled', abortSoon())),
  stalledTimeline: await outcome(svc.timeline('PINC001', abortSoon())),
  stalledAlert: await outcome(svc.triggerAlert(alert, abortSoon())),
};
console.log(JSON.stringify(results));
console.log('DONE');
`;

/** The control: pdjs called the way its README shows, plus an AbortSignal. */
const PDJS_DEFAULTS_SCRIPT = `
import { api } from '@pagerduty/pdjs';
const c = new AbortController();
setTimeout(() => c.abort(), 150);
try { await api({ url: process.env.REST_URL + '/incidents/PINC001/notes', method: 'POST', token: process.env.TOKEN, data: { note: { content: 'x' } }, signal: c.signal }); }
catch (e) { console.log(JSON.stringify({ rejected: e.name })); }
console.log('DONE');
`;

interface Watched {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the ms between "DONE" and exit, or 'still running' after waitMs. */
  exitAfterDone: (waitMs: number) => Promise<number | 'still running'>;
}

function runChild(script: string, env: Record<string, string>): Watched {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let doneAt: number | undefined;
  const done = new Promise<void>((res) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (doneAt === undefined && out.includes('DONE')) {
        doneAt = Date.now();
        res();
      }
    });
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = once(child, 'exit').then(() => Date.now());
  return {
    child,
    output: () => out,
    async exitAfterDone(waitMs) {
      await Promise.race([done, exited]);
      if (doneAt === undefined) throw new Error(`child exited without finishing:\n${out}`);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'still running'>((res) => {
        timer = setTimeout(() => res('still running'), waitMs);
      });
      const result = await Promise.race([exited.then((at) => at - (doneAt ?? at)), timeout]);
      clearTimeout(timer);
      return result;
    },
  };
}

let fake: FakePagerDuty;
let running: ChildProcess | undefined;

beforeEach(async () => {
  fake = await startFakePagerDuty({ token: TOKEN });
  fake.addIncident({ id: 'PINC001', title: 'checkout 5xx', serviceId: 'PABC123' });
});

afterEach(async () => {
  if (running && running.exitCode === null && running.signalCode === null) running.kill('SIGKILL');
  running = undefined;
  await fake.close();
});

describe('process exit after PagerDuty calls', () => {
  it('exits promptly after answered and aborted calls through PagerDutyIncidentService', async () => {
    const watched = runChild(SERVICE_SCRIPT, { REST_URL: fake.restUrl, EVENTS_URL: fake.eventsUrl, TOKEN });
    running = watched.child;
    // The stalls are in place before the alert's answer leaves: waitFor resolves while the fake
    // is still handling that request, so the child's next calls are the ones held.
    await fake.waitFor(() => fake.requestsTo('POST', '/v2/enqueue').length === 1, 15_000, 'the answered calls');
    fake.stallNext(/^\/incidents\/PINC001\/notes$/);
    fake.stallNext(/^\/incidents\/PINC001\/log_entries$/);
    fake.stallNext('/v2/enqueue');

    const exitMs = await watched.exitAfterDone(PROMPT_EXIT_MS);

    expect(exitMs, watched.output()).not.toBe('still running');
    expect(JSON.parse(watched.output().split('\n')[0] ?? '')).toEqual({
      note: 'ok',
      timeline: 'ok',
      alert: 'ok',
      stalledNote: 'aborted',
      stalledTimeline: 'aborted',
      stalledAlert: 'aborted',
    });
    expect(fake.requests.filter((r) => r.abandoned)).toHaveLength(3);
  });

  it('control: pdjs with its default requestTimeout keeps the process alive after an abort', async () => {
    fake.stallNext(/notes$/);
    const watched = runChild(PDJS_DEFAULTS_SCRIPT, { REST_URL: fake.restUrl, TOKEN });
    running = watched.child;

    const exitMs = await watched.exitAfterDone(2000);

    expect(watched.output()).toContain('"rejected":"AbortError"');
    expect(exitMs).toBe('still running');
  });
});
