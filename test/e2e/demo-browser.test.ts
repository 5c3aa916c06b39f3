// The demo as a newcomer uses it, in a real browser: type the command, read the plan, approve as an
// approver, watch the pods roll back, read the verification and root cause in the thread.
// Drives Debian's chromium through playwright-core; no browser is downloaded.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../sandbox/demo/demo-server.js';
import { DEMO_API_TOKEN, DEMO_BOT_TOKEN } from '../../sandbox/demo/demo-workspace.js';
import { describeWithTool } from '../support/required-tool.js';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOT = fileURLToPath(new URL('../../docs/demo-thread.png', import.meta.url));
const WAIT_MS = 20_000;
// Any modal, not only the bot's own: the page renders what views.open recorded.
const REQUIRED_INPUT_VIEW = {
  type: 'modal',
  callback_id: 'demo_required_input',
  title: { type: 'plain_text', text: 'Hand over' },
  submit: { type: 'plain_text', text: 'Send' },
  close: { type: 'plain_text', text: 'Cancel' },
  blocks: [
    { type: 'section', text: { type: 'mrkdwn', text: 'Who takes *deploy-12345* from here? :warning:' } },
    { type: 'input', block_id: 'who', label: { type: 'plain_text', text: 'Name' }, element: { type: 'plain_text_input', action_id: 'who_input' } },
  ],
};
// What a crash log or a typed reason may contain, once escaped by the bot as Slack requires.
const NASTY_MRKDWN =
  '*Bold* _it_ `<b>x</b>` &lt;img src=x onerror=alert(1)&gt; <@U0APPROVE> <!subteam^S0ONCALL> :white_check_mark: <javascript:alert(1)|click>';

let dir: string;
let demo: DemoServer | undefined;
let browser: BrowserContext | undefined;
let page: Page;

// One story, told in order: each test starts where the one before left the demo.
describeWithTool({ command: 'chromium', debianPackage: 'chromium', pathVariable: 'CHROMIUM_PATH' }, 'the demo page', (chromiumPath) => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'smartspec-demo-'));
    // Faster than the interactive demo, still slow enough for the panel to show pods coming and going.
    demo = await startDemoServer({ port: 0, databasePath: join(dir, 'demo.db'), tickMs: 25, podStartMs: 400, clusterThrottleMs: 100 });
    browser = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: chromiumPath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(WAIT_MS);
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('rolls back the bad deploy by clicking, and shows the thread and the cluster live', async () => {
    const server = demo as DemoServer;
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(server.url);
    await expect.poll(() => page.locator('#live').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('live');

    // The cluster shows the failed deploy crash-looping before anyone does anything.
    const api = page.locator('.deployment[data-name="checkout-api"]');
    await api.locator('.pod[data-status="CrashLoopBackOff"]').first().waitFor();

    // The requester types the command.
    await actAs(page, 'U0REQUEST');
    await page.fill('#composer-input', '/smartspec_rollback --failed-deployment-id deploy-12345 --reason "checkout 5xx after deploy"');
    await page.press('#composer-input', 'Enter');
    await page.locator('.message.ephemeral', { hasText: 'Building a rollback plan' }).waitFor();
    const plan = page.locator('.timeline > .message', { hasText: 'Rollback plan: deploy-12345' });
    await plan.locator('button[data-action-id="rollback_approve"]').waitFor();
    const planText = await plan.innerText();
    expect(planText).toContain('checkout 5xx after deploy');
    expect(planText).toContain('Safety checks');
    expect(planText).toMatch(/v1\.2\.1[\s\S]*v1\.2\.0/);

    // Someone outside the policy is refused, privately.
    await actAs(page, 'U0OUTSIDE');
    await plan.locator('button[data-action-id="rollback_approve"]').click();
    await page.locator('.message.ephemeral', { hasText: 'not an approver for checkout' }).waitFor();

    // An approver approves; the pods of the last good version come up in the cluster panel.
    await actAs(page, 'U0APPROVE');
    await expect.poll(() => page.locator('.message.ephemeral', { hasText: 'not an approver' }).count()).toBe(0);
    await plan.locator('button[data-action-id="rollback_approve"]').click();
    await api.locator('.pod[data-image$=":v1.2.0"]').first().waitFor();
    await page.locator('.deployment[data-name="checkout-api"][data-rollout="complete"] .rs.current[data-revision="4"]').waitFor();

    // The thread tells the story.
    const replies = plan.locator('.thread .replies > .message');
    const verification = replies.filter({ hasText: 'Verification passed' });
    const rootCause = replies.filter({ hasText: 'Root cause' });
    await verification.waitFor();
    await rootCause.waitFor();
    expect(await replies.first().locator('.bk-header').innerText()).toContain('Verification');
    const verificationText = await verification.innerText();
    expect(verificationText).toContain('checkout v1.2.0');
    expect(verificationText).toContain('HTTP 200');
    const rootCauseText = await rootCause.innerText();
    // "CrashLoopBackOff" itself only when a pod was between restarts as the evidence was read.
    expect(rootCauseText).toMatch(/new version crashes/i);
    expect(rootCauseText).toContain('BackOff');
    expect(rootCauseText).toContain('relation "orders_v2" does not exist');
    expect(rootCauseText).not.toContain('hunter2');
    await plan.locator('.blocks', { hasText: 'Rolled back' }).waitFor();
    expect(await plan.locator('button[data-action-id="rollback_approve"]').count()).toBe(0);

    // Both components run the last good version, all ready.
    for (const name of ['checkout-api', 'checkout-worker']) {
      const deployment = page.locator(`.deployment[data-name="${name}"][data-rollout="complete"]`);
      await deployment.waitFor();
      await expect.poll(() => podImages(deployment)).toEqual(expect.arrayContaining([expect.stringMatching(/:v1\.2\.0$/)]));
      expect((await podImages(deployment)).every((image) => image.endsWith(':v1.2.0'))).toBe(true);
    }

    await screenshot(page, plan);
    expect(pageErrors).toEqual([]);
  }, 60_000); // about 6 s alone; room for a loaded CI machine running the other suites beside it

  it('deploys a bad version from the triggers area and offers the command to roll it back', async () => {
    await actAs(page, 'U0REQUEST');
    await page.click('[data-trigger-id="deploy-bad-version"]');
    await expect
      .poll(() => page.inputValue('#composer-input'))
      .toBe('/smartspec_rollback --failed-deployment-id deploy-12346 --reason "checkout v1.2.2 is crash-looping"');
    await page.locator('.deployment[data-name="checkout-api"] .pod[data-image$=":v1.2.2"][data-status="CrashLoopBackOff"]').first().waitFor();
    await page.press('#composer-input', 'Enter');
    const plan = page.locator('.timeline > .message', { hasText: 'Rollback plan: deploy-12346' });
    await plan.locator('button[data-action-id="rollback_approve"]').waitFor();
    expect(await plan.innerText()).toMatch(/v1\.2\.2[\s\S]*v1\.2\.0/);
    await plan.locator('button[data-action-id="rollback_reject"]').waitFor();
  });

  it('fires a PagerDuty incident from the triggers area: the bot answers with a plan naming the incident', async () => {
    await page.click('[data-trigger-id="trigger-pagerduty-incident"]');
    const prompt = page.locator('.timeline > .message', { hasText: 'PagerDuty incident' });
    await prompt.first().waitFor();
    expect(await prompt.first().innerText()).toMatch(/error rate above 5%[\s\S]*HIGH: the error rate rose after the deploy/);
  });

  it('renders any modal opened with views.open, checks required inputs, and closes it', async () => {
    const server = demo as DemoServer;
    await actAs(page, 'U0SECOND');
    // As an app does it: views.open with the trigger id of an interaction.
    const triggerId = server.slack.workspace.issueTriggerId('U0SECOND');
    const opened = await fetch(`${server.slack.apiUrl}views.open`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEMO_BOT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ trigger_id: triggerId, view: REQUIRED_INPUT_VIEW }),
    });
    expect(((await opened.json()) as { ok: boolean }).ok).toBe(true);
    const modal = page.locator('.overlay[data-view-id] .modal-view');
    await modal.waitFor();
    expect(await modal.locator('.dialog-title').innerText()).toBe('Hand over');
    expect(await modal.innerText()).toContain('Who takes deploy-12345 from here? ⚠️');
    await modal.locator('button[type="submit"]').click();
    await modal.locator('.bk-error', { hasText: 'Please fill this in.' }).waitFor();
    await modal.locator('button', { hasText: 'Cancel' }).click();
    await page.locator('.overlay[data-view-id]').waitFor({ state: 'detached' });
    expect(server.slack.views.every((v) => v.closed)).toBe(true);
  });

  it('renders mrkdwn as text: markup in log lines stays visible and inert', async () => {
    // A string, not a function: the test runner would rewrite a dynamic import() in test code.
    const rendered = (await page.evaluate(`(async () => {
      const { renderMrkdwn } = await import('/mrkdwn.js');
      const ctx = { users: new Map([['U0APPROVE', { name: 'alex' }]]), groups: { S0ONCALL: 'oncall' }, channels: {} };
      const el = document.createElement('div');
      el.append(renderMrkdwn(${JSON.stringify(NASTY_MRKDWN)}, ctx));
      return { text: el.textContent, html: el.innerHTML, links: el.querySelectorAll('a').length, images: el.querySelectorAll('img').length };
    })()`)) as { text: string; html: string; links: number; images: number };
    expect(rendered.text).toBe('Bold it <b>x</b> <img src=x onerror=alert(1)> @alex @oncall ✅ click');
    expect(rendered.html).toContain('<strong>Bold</strong>');
    expect(rendered.html).toContain('<em>it</em>');
    expect(rendered.images).toBe(0);
    expect(rendered.links).toBe(0);
  });

  it('picks up where it was left: same cluster, same channel, same database', async () => {
    const before = demo as DemoServer;
    const runId = await page
      .locator('.timeline > .message', { hasText: 'Rollback plan: deploy-12345' })
      .locator('.bk-context code')
      .first()
      .innerText();
    await before.close();
    demo = await startDemoServer({ port: 0, databasePath: join(dir, 'demo.db'), tickMs: 25, podStartMs: 400, clusterThrottleMs: 100 });
    expect(demo.fresh).toBe(false);
    const state = (await (await fetch(`${demo.url}/state?user=U0REQUEST`)).json()) as {
      suggestion: string;
      cluster: { deployments: Array<{ name: string; images: string[] }> };
    };
    expect(state.suggestion).toBe('/smartspec_rollback --failed-deployment-id deploy-12346 --reason "checkout v1.2.2 is crash-looping"');
    expect(state.cluster.deployments.map((d) => d.images[0])).toEqual([
      'registry.example/checkout-api:v1.2.2',
      'registry.example/checkout-worker:v1.2.2',
    ]);
    const run = await fetch(`${demo.bot.url}/api/v1/rollbacks/${runId}`, { headers: { authorization: `Bearer ${DEMO_API_TOKEN}` } });
    expect(((await run.json()) as { status: string }).status).toBe('succeeded');

    // The plan posted before the restart is still there, and the bot still answers its buttons.
    await page.goto(demo.url);
    await page.locator('.timeline > .message', { hasText: 'Rollback plan: deploy-12345' }).locator('.blocks', { hasText: 'Rolled back' }).waitFor();
    const pending = page.locator('.timeline > .message', { hasText: 'Rollback plan: deploy-12346' });
    await actAs(page, 'U0SECOND');
    await pending.locator('button[data-action-id="rollback_reject"]').click();
    // Reject asks for a reason in a modal (views.open), submitted back as view_submission.
    const modal = page.locator('.overlay[data-view-id] .modal-view');
    await modal.waitFor();
    expect(await modal.locator('.dialog-title').innerText()).toBe('Reject rollback');
    await modal.locator('textarea').fill('rolling forward with a fix instead');
    await modal.locator('button[type="submit"]').click();
    await page.locator('.overlay[data-view-id]').waitFor({ state: 'detached' });
    // The plan message says Rejected, and its thread says who rejected it and why.
    await pending.locator('.blocks', { hasText: 'Rollback plan: deploy-12346' }).filter({ hasText: 'Rejected' }).waitFor();
    await pending.locator('.blocks', { hasText: 'Rejected by @sam: rolling forward with a fix instead' }).waitFor();
  });
});

async function actAs(page: Page, userId: string): Promise<void> {
  await page.click(`[data-user-id="${userId}"]`);
  await page.locator(`[data-user-id="${userId}"][aria-pressed="true"]`).waitFor();
}

async function podImages(deployment: Locator): Promise<string[]> {
  return deployment.locator('.pod').evaluateAll((pods) => pods.map((p) => p.getAttribute('data-image') ?? ''));
}

/**
 * The finished thread for docs/ and the README. CI must not dirty the tree: docs/demo-thread.png is
 * written only when asked (UPDATE_SCREENSHOT=1) or when it does not exist yet.
 */
async function screenshot(page: Page, plan: Locator): Promise<void> {
  const target = process.env.UPDATE_SCREENSHOT === '1' || !existsSync(SCREENSHOT) ? SCREENSHOT : join(dir, 'demo-thread.png');
  // The width the page is made for, tall enough for the plan, the verification and the root cause's
  // findings; the rest of the root cause (raw evidence) is left below the fold.
  const extra = await page.locator('#timeline').evaluate((el) => el.scrollHeight - el.clientHeight);
  await page.setViewportSize({ width: 1280, height: Math.min(800 + Math.max(0, extra) + 8, 1600) });
  await page.mouse.move(0, 0);
  await plan.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: target, animations: 'disabled' });
  expect(existsSync(target)).toBe(true);
}
