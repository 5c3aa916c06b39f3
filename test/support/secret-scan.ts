// Looks for the test's credentials in everything the bot produced: log lines and every Slack call,
// message version, ephemeral and response_url post. A redaction that keeps half a token is still a
// leak, so the middle of each secret is searched for as well as the whole value.
import type { FakeSlack } from '../../sandbox/slack/fake-slack-web-api.js';
import { API_TOKEN, APP_TOKEN, BOT_TOKEN, PD_TOKEN, PD_WEBHOOK_SECRET, SIGNING_SECRET } from './bot-harness.js';

export interface Secret {
  name: string;
  value: string;
}

export interface ScannedText {
  where: string;
  text: string;
}

export interface SecretFinding {
  secret: string;
  where: string;
  excerpt: string;
}

export interface ScanReport {
  findings: SecretFinding[];
  /** How much was looked at, for the reliability report. */
  scanned: { texts: number; characters: number };
}

/** What the harness configures the bot with; the emulator's bearer token is the cluster credential. */
export function harnessSecrets(extra: Secret[] = []): Secret[] {
  return [
    { name: 'SLACK_BOT_TOKEN', value: BOT_TOKEN },
    { name: 'SLACK_SIGNING_SECRET', value: SIGNING_SECRET },
    { name: 'SLACK_APP_TOKEN', value: APP_TOKEN },
    { name: 'SMARTSPEC_API_TOKEN', value: API_TOKEN },
    { name: 'PAGERDUTY_TOKEN', value: PD_TOKEN },
    { name: 'PAGERDUTY_WEBHOOK_SECRET', value: PD_WEBHOOK_SECRET },
    { name: 'kubernetes bearer token', value: 'emulator-token' },
    ...extra,
  ];
}

export function scanForSecrets(texts: Iterable<ScannedText>, secrets: Secret[]): ScanReport {
  const needles = secrets.flatMap((s) => fragmentsOf(s.value).map((fragment) => ({ name: s.name, fragment })));
  const findings: SecretFinding[] = [];
  let count = 0;
  let characters = 0;
  for (const { where, text } of texts) {
    count++;
    characters += text.length;
    for (const { name, fragment } of needles) {
      const at = text.indexOf(fragment);
      if (at !== -1) findings.push({ secret: name, where, excerpt: text.slice(Math.max(0, at - 40), at + fragment.length + 40) });
    }
  }
  return { findings, scanned: { texts: count, characters } };
}

/** Every string the bot sent to Slack or Slack showed on its behalf, each message with all its versions. */
export function* slackTexts(slack: FakeSlack): Generator<ScannedText> {
  for (const call of slack.calls) yield { where: `slack call ${call.method}`, text: JSON.stringify(call.args) };
  for (const m of slack.messages) {
    yield { where: `message ${m.channel}/${m.ts}`, text: `${m.text} ${JSON.stringify(m.blocks)}` };
    for (const v of m.history) yield { where: `message ${m.channel}/${m.ts} (earlier version)`, text: `${v.text} ${JSON.stringify(v.blocks)}` };
  }
  for (const e of slack.ephemerals) {
    yield { where: `ephemeral to ${e.user}`, text: `${e.text} ${JSON.stringify(e.blocks)}` };
    for (const v of e.history) yield { where: `ephemeral to ${e.user} (earlier version)`, text: `${v.text} ${JSON.stringify(v.blocks)}` };
  }
  for (const r of slack.responses) {
    for (const post of r.posts) yield { where: `response_url ${r.id}`, text: JSON.stringify(post.body) };
  }
}

export function* logTexts(lines: readonly string[], source = 'log'): Generator<ScannedText> {
  for (const [i, line] of lines.entries()) yield { where: `${source} line ${i + 1}`, text: line };
}

/** The whole value, and its middle 16 characters: what survives a redaction that only masks the ends. */
function fragmentsOf(value: string): string[] {
  if (value.length < 24) return [value];
  const start = Math.floor((value.length - 16) / 2);
  return [value, value.slice(start, start + 16)];
}
