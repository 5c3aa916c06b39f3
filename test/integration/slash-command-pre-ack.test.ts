// The HTTP front that acks /smartspec_rollback before Bolt dispatches it: a real Bolt App with its
// HTTPReceiver behind it, on a real HTTP server, with requests signed as Slack signs them. A global
// middleware that holds Bolt's dispatch shows the ack does not wait for it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signSlackRequest, type SlackSignedHeaders } from '../../sandbox/slack/slack-request-signer.js';
import { acknowledgeCommand, SLASH_COMMAND } from '../../src/adapters/slack/listeners/rollback-command.js';
import { slashCommandPreAck } from '../../src/adapters/slack/slash-command-pre-ack.js';
import { USAGE } from '../../src/core/command.js';

const SECRET = 'pre-ack-test-secret';

interface World {
  url: string;
  /** Command texts and action ids Bolt's listeners saw, in order. */
  seen: string[];
  warnings: string[];
  /** The front's drain: resolves once every acked command has been handled (bounded). */
  drain(graceMs: number): Promise<void>;
  /** Holds every request in Bolt's global middleware until released. */
  hold(): () => void;
  close(): Promise<void>;
}

let world: World;

beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await world.close();
});

async function startWorld(): Promise<World> {
  const seen: string[] = [];
  const warnings: string[] = [];
  const logger = {
    info: () => undefined,
    warn: (obj: object, msg?: string) => warnings.push(`${msg ?? ''} ${JSON.stringify(obj)}`),
    error: (obj: object, msg?: string) => warnings.push(`${msg ?? ''} ${JSON.stringify(obj)}`),
  };
  const receiver = new HTTPReceiver({ signingSecret: SECRET, endpoints: ['/slack/events'] });
  // No Slack API here: authorize says who the bot is (the single-token default asks auth.test).
  const app = new App({ receiver, authorize: async () => ({ botToken: 'xoxb-pre-ack', botId: 'B1', botUserId: 'UBOT' }) });
  let gate: Promise<void> | undefined;
  app.use(async ({ next }) => {
    if (gate) await gate;
    await next();
  });
  app.command(SLASH_COMMAND, async ({ command, ack }) => {
    await ack(acknowledgeCommand(command.text).answer);
    seen.push(command.text);
  });
  app.command('/other', async ({ ack }) => {
    await ack({ text: 'answered by Bolt' });
    seen.push('/other');
  });
  app.action('some_button', async ({ ack }) => {
    await ack();
    seen.push('some_button');
  });
  const front = slashCommandPreAck({
    signingSecret: SECRET,
    command: SLASH_COMMAND,
    answerFor: (text) => acknowledgeCommand(text).answer,
    processEvent: (event) => app.processEvent(event),
    bolt: receiver.requestListener,
    logger,
  });
  const server: Server = createServer(front.listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    seen,
    warnings,
    drain: (graceMs) => front.drain(graceMs),
    hold() {
      let release!: () => void;
      gate = new Promise((resolve) => {
        release = resolve;
      });
      return () => {
        gate = undefined;
        release();
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function commandBody(command: string, text: string): string {
  return new URLSearchParams({
    command,
    text,
    token: 'legacy',
    team_id: 'T1',
    channel_id: 'C1',
    user_id: 'U1',
    user_name: 'alice',
    response_url: 'http://127.0.0.1:9/response',
    trigger_id: 't.1',
    api_app_id: 'A1',
  }).toString();
}

async function post(body: string, headers: SlackSignedHeaders = signSlackRequest(SECRET, body)): Promise<{ status: number; text: string }> {
  const response = await fetch(world.url, { method: 'POST', headers: { ...headers }, body });
  return { status: response.status, text: await response.text() };
}

describe('acking /smartspec_rollback before Bolt dispatches it', () => {
  it("answers with the listener's own ack while Bolt's dispatch is held, then runs the listener", async () => {
    const release = world.hold();
    const text = '--failed-deployment-id deploy-1';
    const answered = await post(commandBody(SLASH_COMMAND, text));
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.text)).toEqual(acknowledgeCommand(text).answer);
    expect(world.seen).toEqual([]); // Bolt is still held: the ack came from the front
    release();
    await vi.waitFor(() => expect(world.seen).toEqual([text]), { timeout: 10_000 });
  });

  it('drains: a stop waits until every acked command has been handled', async () => {
    const release = world.hold();
    const text = '--failed-deployment-id deploy-drained';
    expect((await post(commandBody(SLASH_COMMAND, text))).status).toBe(200);
    const drained = world.drain(10_000);
    // Bolt is let go only after the drain has started waiting (a later macrotask).
    setTimeout(release, 50);
    await drained;
    expect(world.seen).toEqual([text]); // the listener had finished when the drain resolved
  });

  it('answers help and a malformed command in the ack, as the listener would', async () => {
    const help = await post(commandBody(SLASH_COMMAND, 'help'));
    expect(JSON.parse(help.text)).toEqual({ response_type: 'ephemeral', text: USAGE });
    const bad = await post(commandBody(SLASH_COMMAND, '--failed-deployment-id'));
    expect(JSON.parse(bad.text)).toEqual(acknowledgeCommand('--failed-deployment-id').answer);
    expect(JSON.parse(bad.text).text).toMatch(/^:warning: /);
    await vi.waitFor(() => expect(world.seen).toEqual(['help', '--failed-deployment-id']), { timeout: 10_000 });
  });

  it('refuses a command with a wrong signature (401) and never runs it', async () => {
    const body = commandBody(SLASH_COMMAND, '--failed-deployment-id forged');
    const forged = await post(body, signSlackRequest('not-the-secret', body));
    expect(forged.status).toBe(401);
    // A genuine command after it is seen, and it is the only one.
    await post(commandBody(SLASH_COMMAND, '--failed-deployment-id genuine'));
    await vi.waitFor(() => expect(world.seen).toEqual(['--failed-deployment-id genuine']), { timeout: 10_000 });
  });

  it('refuses a stale timestamp (a replay) with 401', async () => {
    const body = commandBody(SLASH_COMMAND, '--failed-deployment-id replayed');
    const stale = await post(body, signSlackRequest(SECRET, body, Math.floor(Date.now() / 1000) - 600));
    expect(stale.status).toBe(401);
    await post(commandBody(SLASH_COMMAND, 'help'));
    await vi.waitFor(() => expect(world.seen).toEqual(['help']), { timeout: 10_000 });
  });

  it('refuses a body over 4 MB with 413 without reading it into a command', async () => {
    const body = commandBody(SLASH_COMMAND, 'x'.repeat(4 * 1024 * 1024 + 10));
    const tooLarge = await post(body);
    expect(tooLarge.status).toBe(413);
    expect(world.warnings.join('\n')).toMatch(/could not be read/);
  });

  it('leaves other commands and buttons to Bolt, whose listeners ack them', async () => {
    const release = world.hold();
    const other = post(commandBody('/other', 'hi'));
    const payload = JSON.stringify({
      type: 'block_actions',
      team: { id: 'T1' },
      user: { id: 'U1' },
      api_app_id: 'A1',
      token: 'legacy',
      trigger_id: 't.2',
      actions: [{ type: 'button', action_id: 'some_button', block_id: 'b', value: 'v', action_ts: '1' }],
    });
    const click = post(new URLSearchParams({ payload }).toString());
    // Neither is answered before Bolt runs: release it, then both answers arrive from the listeners.
    release();
    const [otherAnswer, clickAnswer] = await Promise.all([other, click]);
    expect(otherAnswer).toEqual({ status: 200, text: JSON.stringify({ text: 'answered by Bolt' }) });
    expect(clickAnswer.status).toBe(200);
    expect([...world.seen].sort()).toEqual(['/other', 'some_button']);
  });

  it('answers url_verification through Bolt with the challenge', async () => {
    const body = JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 'legacy' });
    const answered = await post(body, signSlackRequest(SECRET, body, undefined, 'application/json'));
    expect(answered).toEqual({ status: 200, text: JSON.stringify({ challenge: 'c-123' }) });
  });
});
