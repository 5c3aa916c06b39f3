// The thread's verification message: the rollout and ready replicas, each check with its result,
// measured value, threshold and duration, what was not checked and why, and the run's timing.
import type { Run, VerificationCheck } from '../../../core/model.js';
import { formatDuration } from '../../../core/report/durations.js';
import { buildRunTimeline, type RunTimeline } from '../../../core/report/run-timeline.js';
import { summariseVerification } from '../../../core/report/verification-summary.js';
import { scrubDeep, scrubSecrets } from '../../../core/scrub.js';
import { context, escapeMrkdwn, fields, header, section, type Block } from './block-kit.js';
import { fitSections, fullReportPointer, Omissions } from './report-sections.js';

const ICON: Record<VerificationCheck['phase'], string> = { passed: ':white_check_mark:', failed: ':x:', skipped: ':white_circle:' };
const MAX_CHECKS = 20;

export function renderVerificationBlocks(run: Run): Block[] {
  return scrubDeep(build(scrubDeep(run)), 'rendered');
}

function checkLine(c: VerificationCheck): string {
  const measured = c.measured ? ` — measured ${escapeMrkdwn(c.measured)}` : '';
  const threshold = c.threshold ? `, expected ${escapeMrkdwn(c.threshold)}` : '';
  return `${ICON[c.phase]} *${escapeMrkdwn(c.name)}*${measured}${threshold} (${formatDuration(c.durationMs)})\n      ${escapeMrkdwn(c.detail)}`;
}

function build(run: Run): Block[] {
  const v = summariseVerification(run);
  const timeline = buildRunTimeline(run);
  const title = `${run.plan.service} ${run.plan.toVersion}`;
  if (v.outcome === 'not_run') {
    return [
      header(`⚪ Verification not run: ${title}`),
      section(`Nothing was verified: ${escapeMrkdwn(v.notRunReason ?? 'unknown')}.`),
      ...timingBlocks(timeline),
      context(`Run \`${run.id}\` · ${fullReportPointer(run.id)}`),
    ];
  }
  const cut = new Omissions();
  const all = [...v.rollout, ...v.checks];
  const failed = all.filter((c) => c.phase === 'failed').length;
  const complete = v.rollout.filter((c) => c.phase === 'passed').length;
  // "Verified" means checked: a run that checked nothing never gets the green header.
  const verdict = v.notVerified
    ? v.outcome === 'passed'
      ? '⚪ Verification: not verified'
      : '❌ Verification failed: not verified'
    : v.outcome === 'passed'
      ? '✅ Verification passed'
      : '❌ Verification failed';
  const blocks: Block[] = [
    header(`${verdict}: ${title}`),
    fields([
      ['Rollout', v.rollout.length > 0 ? `${complete}/${v.rollout.length} component(s) complete` : 'not checked'],
      ['Ready replicas', v.replicas ? `${v.replicas.ready}/${v.replicas.desired}` : 'unknown'],
      ['Checks', `${all.length - failed} passed, ${failed} failed, ${v.notChecked.length} not checked`],
      ['Duration', v.durationMs === undefined ? 'unknown' : formatDuration(v.durationMs)],
    ]),
  ];
  if (v.notVerified)
    blocks.push(
      section(
        `*${escapeMrkdwn(v.notVerified[0]!.toUpperCase() + v.notVerified.slice(1))}.* Nothing proves the service works on \`${escapeMrkdwn(run.plan.toVersion)}\`: check it by hand, and add checks under \`verification\` in the catalog.`,
      ),
    );
  if (v.rollout.length > 0)
    blocks.push(...fitSections('*Rollout*', cut.take(v.rollout, MAX_CHECKS, 'rollout check(s)').map(checkLine), 2, cut, 'rollout check(s)'));
  if (v.checks.length > 0)
    blocks.push(...fitSections('*Health checks*', cut.take(v.checks, MAX_CHECKS, 'check(s)').map(checkLine), 2, cut, 'check(s)'));
  if (v.notChecked.length > 0) {
    const lines = cut
      .take(v.notChecked, MAX_CHECKS, 'unchecked item(s)')
      .map((n) => `${ICON.skipped} *${escapeMrkdwn(n.name)}*: ${escapeMrkdwn(n.why)}`);
    blocks.push(...fitSections('*Not checked*', lines, 1, cut, 'unchecked item(s)'));
  }
  blocks.push(...timingBlocks(timeline, v.notVerified !== undefined));
  const truncated = cut.any ? `:scissors: Truncated to fit Slack: ${cut.describe()} not shown. ` : '';
  blocks.push(context(`${truncated}Run \`${run.id}\` · ${fullReportPointer(run.id)}`));
  return blocks;
}

/** Seed-style timing: decision, pre-checks, rollback, verification; then detect and recover. */
function timingBlocks(t: RunTimeline, unchecked = false): Block[] {
  const phases = t.phases.filter((p) => p.ms !== undefined).map((p) => `${p.name} ${formatDuration(p.ms as number)}`);
  const spans: string[] = [];
  if (t.timeToDetectMs !== undefined)
    spans.push(`time to detect ${formatDuration(t.timeToDetectMs)} (deployed → ${t.detectedBy === 'incident' ? 'incident' : 'request'})`);
  if (t.timeToRecoverMs !== undefined)
    spans.push(`time to recover ${formatDuration(t.timeToRecoverMs)} (deployed → ${unchecked ? 'rolled back, not verified' : 'verified'})`);
  if (phases.length === 0 && spans.length === 0) return [];
  return [section(['*Timing*', phases.join(' · '), spans.join(' · ')].filter(Boolean).join('\n'))];
}

export function verificationFallbackText(run: Run): string {
  const v = summariseVerification(run);
  const outcome = v.notVerified
    ? `${v.outcome === 'passed' ? 'succeeded' : 'failed'}, ${v.notVerified}`
    : v.outcome === 'not_run'
      ? 'not run'
      : v.outcome;
  return scrubSecrets(`Verification ${outcome} for ${run.plan.service} ${run.plan.toVersion}`);
}
