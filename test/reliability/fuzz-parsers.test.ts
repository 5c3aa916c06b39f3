// The parsers every outside input goes through, fed 96,500 seeded random inputs in-process (the other
// 3,500 of the suite's 100,000 go over HTTP to the running bot: fuzz-http.test.ts). Properties: no
// input makes a parser throw anything but a UserError; every slash-command refusal is a message fit
// for Slack (no stack, within Slack's 40,000-character text limit); webhook and record refusals name
// fields and never echo values (they are logged and sent to machines); what is accepted keeps the contract.
import { describe, expect, it } from 'vitest';
import { ID_PATTERN, parseCommand, type CommandRequest } from '../../src/core/command.js';
import { UserError } from '../../src/core/errors.js';
import { deploymentSchema, toDeployment } from '../../src/adapters/http/deployment-schema.js';
import { parsePagerDutyWebhook } from '../../src/adapters/pagerduty/webhook-event.js';
import { userErrorText } from '../../src/adapters/slack/listeners/rollback-command.js';
import { ECHO_MARKER, deploymentSeed, incidentWebhookSeed, mutate, randomSlashText } from '../support/fuzz-inputs.js';
import { createPrng, suiteSeed } from '../support/prng.js';

const COUNTS = { slashTexts: 50_000, webhookBodies: 30_000, deploymentBodies: 16_500 } as const;
const SEED = suiteSeed(73_571);
/** chat.postMessage and ack `text`: Slack refuses longer text with msg_too_long. */
const SLACK_TEXT_LIMIT = 40_000;

/** Collects the first few counterexamples instead of failing at the first, so one run shows the pattern. */
function counterexamples() {
  const found: Array<{ input: string; problem: string }> = [];
  return {
    found,
    note: (input: unknown, problem: string) => {
      if (found.length < 5) found.push({ input: JSON.stringify(input).slice(0, 300), problem });
    },
  };
}

function checkRequest(request: CommandRequest): string | undefined {
  switch (request.kind) {
    case 'help':
      return undefined;
    case 'status':
      return request.runId === undefined || ID_PATTERN.test(request.runId) ? undefined : 'status run id not an id';
    case 'history':
      return ID_PATTERN.test(request.service) ? undefined : 'history service not an id';
    case 'rollback': {
      const ids = [request.failedDeploymentId, request.targetVersion, request.environment, ...(request.components ?? [])].filter(
        (v): v is string => v !== undefined,
      );
      if (ids.some((v) => !ID_PATTERN.test(v))) return 'an accepted id or version breaks the id pattern';
      if ((request.reason?.length ?? 0) > 500) return 'an accepted reason is longer than 500';
      const components = request.components ?? [];
      if (new Set(components).size !== components.length || components.length > 20) return 'components repeated or more than 20';
      return undefined;
    }
  }
}

describe(`in-process fuzzing (seed ${SEED})`, () => {
  it(`turns ${COUNTS.slashTexts.toLocaleString('en')} random slash texts into a valid request or a short, user-facing usage error`, () => {
    const prng = createPrng(SEED);
    const bad = counterexamples();
    const kinds: Record<string, number> = {};
    for (let i = 0; i < COUNTS.slashTexts; i++) {
      const text = randomSlashText(prng);
      try {
        const request = parseCommand(text);
        kinds[request.kind] = (kinds[request.kind] ?? 0) + 1;
        const problem = checkRequest(request);
        if (problem) bad.note(text, problem);
      } catch (error) {
        kinds['refused'] = (kinds['refused'] ?? 0) + 1;
        if (!(error instanceof UserError)) {
          bad.note(text, `threw ${String(error)}`);
          continue;
        }
        const shown = userErrorText(error);
        if (shown.length > SLACK_TEXT_LIMIT) bad.note(text, `message of ${shown.length} characters`);
        if (/\n\s+at /.test(shown)) bad.note(text, 'message shows a stack');
      }
    }
    expect(bad.found).toEqual([]);
    // The generator reached both sides of the parser.
    expect(kinds['refused']).toBeGreaterThan(0);
    expect(kinds['rollback']).toBeGreaterThan(0);
  });

  it(`parses ${COUNTS.webhookBodies.toLocaleString('en')} random PagerDuty webhook bodies without throwing, naming fields and never echoing values`, () => {
    const prng = createPrng(SEED + 1);
    const bad = counterexamples();
    const kinds: Record<string, number> = {};
    for (let i = 0; i < COUNTS.webhookBodies; i++) {
      const raw = prng.chance(0.1) ? randomSlashText(prng) : JSON.stringify(mutate(prng, incidentWebhookSeed(prng)));
      let parsed;
      try {
        parsed = parsePagerDutyWebhook(raw);
      } catch (error) {
        bad.note(raw, `threw ${String(error)}`);
        continue;
      }
      kinds[parsed.kind] = (kinds[parsed.kind] ?? 0) + 1;
      if (parsed.kind === 'invalid') {
        if (parsed.error.includes(ECHO_MARKER)) bad.note(raw, 'the error echoes a value');
        if (parsed.issues.some((issue) => typeof issue.path !== 'string' || typeof issue.message !== 'string'))
          bad.note(raw, 'an issue without path or message');
      }
      if (parsed.kind === 'incident' && (parsed.incident.title.length > 1024 || Number.isNaN(Date.parse(parsed.occurredAt))))
        bad.note(raw, 'accepted an over-long title or a bad time');
    }
    expect(bad.found).toEqual([]);
    expect(Object.keys(kinds).sort()).toEqual(['ignored', 'incident', 'invalid']);
  });

  it(`validates ${COUNTS.deploymentBodies.toLocaleString('en')} random deployment records without throwing, naming the field of every refusal`, () => {
    const prng = createPrng(SEED + 2);
    const bad = counterexamples();
    let accepted = 0;
    for (let i = 0; i < COUNTS.deploymentBodies; i++) {
      const body = mutate(prng, deploymentSeed(prng));
      let result;
      try {
        result = deploymentSchema.safeParse(body);
      } catch (error) {
        bad.note(body, `threw ${String(error)}`);
        continue;
      }
      if (result.success) {
        accepted++;
        const d = toDeployment(result.data);
        if (Number.isNaN(Date.parse(d.createdAt)) || !ID_PATTERN.test(d.id) || !ID_PATTERN.test(d.version))
          bad.note(body, 'accepted a record breaking the contract');
        continue;
      }
      const issues = result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
      if (issues.length === 0 || issues.some((issue) => issue.message.length === 0)) bad.note(body, 'a refusal without an explanation');
      if (issues.some((issue) => issue.message.includes(ECHO_MARKER))) bad.note(body, 'an explanation echoes a value');
    }
    expect(bad.found).toEqual([]);
    expect(accepted).toBeGreaterThan(0);
  });
});
