// The rollback report as Markdown, after the team template (incident, time, type, previous and target
// version, duration, impact, verification, follow-ups) with the root cause and timeline behind it.
// Pure and deterministic: built on demand from the stored run and its timeline events.
import type { Run, TimelineEvent } from '../model.js';
import { scrubDeep, scrubSecrets } from '../scrub.js';
import { releaseLines, templateDiffLines } from './diff-lines.js';
import { formatDuration, formatInstant } from './durations.js';
import { CLUSTER_EVIDENCE_MISSING, clusterEvidenceMissing, incidentEntryType } from './evidence-lines.js';
import { followUps } from './follow-ups.js';
import { impactLines } from './impact.js';
import { mdCell, mdCode, mdFence, mdTable, mdText } from './markdown-kit.js';
import { reportFacts } from './report-facts.js';
import { buildRunTimeline, recoveryText, type RunTimeline } from './run-timeline.js';
import { summariseVerification, type VerificationSummary } from './verification-summary.js';

const ICON = { passed: '✅', failed: '❌', skipped: '⚪' } as const;

export function renderMarkdownReport(unsafeRun: Run, unsafeEvents: TimelineEvent[] = []): string {
  // Typed reasons, check details and stored evidence all pass the raw scrub before any formatting.
  const run = scrubDeep(unsafeRun);
  const events = scrubDeep(unsafeEvents);
  const timeline = buildRunTimeline(run, events);
  const verification = summariseVerification(run);
  const facts = reportFacts(run, timeline, verification);
  const p = run.plan;
  const lines = [
    `# Rollback report: ${mdText(p.service)} ${mdText(p.fromVersion)} → ${mdText(p.toVersion)}`,
    '',
    ...facts.map(([key, value]) => `- **${key}:** ${mdText(value)}`),
    '',
    '## Impact',
    '',
    ...impactLines(run, timeline).map((l) => `- ${mdText(l)}`),
    '',
    ...verificationSection(verification),
    ...rootCauseSection(run),
    ...changesSection(run),
    ...timelineSection(timeline),
    '## Follow-ups',
    '',
    ...followUps(run).map((f) => `- [ ] ${mdText(f)}`),
    '',
    '---',
    `_Run ${mdCode(run.id)} · ${run.status} · built from the cluster evidence captured before the rollback and the run's audit timeline; secrets are scrubbed._`,
    '',
  ];
  return scrubSecrets(lines.join('\n'), 'rendered');
}

function verificationSection(v: VerificationSummary): string[] {
  const out = ['## Verification', ''];
  if (v.outcome === 'not_run') return [...out, `Not run: ${mdText(v.notRunReason ?? 'unknown')}.`, ''];
  out.push(
    `**${v.outcome === 'passed' ? 'Passed' : 'Failed'}**${v.durationMs === undefined ? '' : ` in ${formatDuration(v.durationMs)}`}${v.replicas ? ` · ${v.replicas.ready}/${v.replicas.desired} replicas ready` : ''}`,
    '',
  );
  const checks = [...v.rollout, ...v.checks];
  if (checks.length > 0) {
    out.push(
      ...mdTable(
        ['Check', 'Result', 'Measured', 'Threshold', 'Duration', 'Detail'],
        checks.map((c) => [
          mdCell(c.name),
          `${ICON[c.phase]} ${c.phase}`,
          mdCell(c.measured ?? '—'),
          mdCell(c.threshold ?? '—'),
          formatDuration(c.durationMs),
          mdCell(c.detail),
        ]),
      ),
      '',
    );
  }
  if (v.notChecked.length > 0) out.push('Not checked:', '', ...v.notChecked.map((n) => `- ${mdText(n.name)}: ${mdText(n.why)}`), '');
  return out;
}

function rootCauseSection(run: Run): string[] {
  const rc = run.rootCause;
  const out = ['## Root cause', ''];
  if (!rc) return [...out, 'No evidence of the failed version was collected, so no cause can be named.', ''];
  if (clusterEvidenceMissing(rc)) out.push(`_${CLUSTER_EVIDENCE_MISSING}_`, '');
  if (rc.causes.length === 0) {
    out.push(
      "**No cause identified.** The failed version's pods showed no crash, OOM, image pull, scheduling or probe failure, and no configuration change points anywhere. Look at application metrics and the code change.",
      '',
    );
  }
  rc.causes.forEach((c, i) => {
    out.push(`${i + 1}. **${mdText(c.summary)}** _(confidence: ${c.confidence})_`, ...c.evidence.map((e) => `   - ${mdText(e)}`));
  });
  if (rc.causes.length > 0) out.push('');
  if (rc.pods.length > 0) {
    out.push(
      '### Pods of the failed version',
      '',
      ...mdTable(
        ['Pod', 'State', 'Ready', 'Restarts', 'Last termination'],
        rc.pods.map((pod) => [
          mdCode(pod.name),
          mdCell(pod.waitingReason ?? (pod.scheduledFailure ? `Pending: ${pod.scheduledFailure}` : pod.phase)),
          pod.ready ? 'yes' : 'no',
          String(pod.restarts),
          pod.lastTerminationReason || pod.lastExitCode !== undefined
            ? mdCell(`${pod.lastTerminationReason ?? ''} (exit ${pod.lastExitCode ?? '?'})`.trim())
            : '—',
        ]),
      ),
      '',
    );
  }
  if (rc.warnings.length > 0) {
    out.push(
      '### Warning events',
      '',
      ...mdTable(
        ['Object', 'Reason', 'Count', 'Message'],
        rc.warnings.map((w) => [mdCell(w.object), mdCell(w.reason), String(w.count), mdCell(w.message)]),
      ),
      '',
    );
  }
  const logs = rc.lastLogLines.filter((l) => l.lines.length > 0);
  if (logs.length > 0) {
    out.push('### Last log lines of crashed containers', '');
    for (const l of logs) out.push(`${mdCode(`${l.pod}/${l.container}`)} (previous container):`, '', ...mdFence(l.lines), '');
  }
  if (rc.incident && rc.incident.entries.length > 0) {
    out.push(
      `### Incident ${mdCode(rc.incident.id)}`,
      '',
      ...rc.incident.entries.map((e) => `- ${formatInstant(e.at)} — ${mdText(incidentEntryType(e.type))}: ${mdText(e.summary)}`),
      '',
    );
  }
  return out;
}

function changesSection(run: Run): string[] {
  const rc = run.rootCause;
  const lines = [...releaseLines(rc?.release), ...templateDiffLines(rc?.diff)];
  const out = [`## What changed (${mdText(run.plan.toVersion)} → ${mdText(run.plan.fromVersion)})`, ''];
  if (!rc?.diff && !rc?.release) return [...out, 'The pod templates of the two versions could not be compared.', ''];
  if (lines.length === 0) return [...out, 'Nothing but the images differs between the two versions.', ''];
  return [...out, ...lines.map((l) => `- ${mdText(l)}`), '', '_Environment variables are listed by name only; values are never shown._', ''];
}

function timelineSection(t: RunTimeline): string[] {
  const out = [
    '## Timeline',
    '',
    ...mdTable(
      ['Time (UTC)', 'Event'],
      t.milestones.map((m) => [formatInstant(m.at).replace(' UTC', ''), mdCell(m.label)]),
    ),
    '',
  ];
  const spans: string[] = [];
  if (t.timeToDetectMs !== undefined)
    spans.push(
      `- Time to detect: **${formatDuration(t.timeToDetectMs)}** (deployed → ${t.detectedBy === 'incident' ? 'incident triggered' : 'rollback requested'})`,
    );
  spans.push(
    `- Time to recover: ${t.timeToRecoverMs === undefined ? recoveryText(t) : `**${recoveryText(t)}**`}${t.detectionToRecoveryMs === undefined ? '' : `, ${formatDuration(t.detectionToRecoveryMs)} after detection`}`,
  );
  out.push(...spans, '');
  out.push(
    ...mdTable(
      ['Phase', 'Duration', 'Spans'],
      t.phases.map((ph) => [ph.name, ph.ms === undefined ? '—' : formatDuration(ph.ms), ph.span]),
    ),
    '',
  );
  if (t.steps.length > 0) {
    out.push(
      ...t.steps.map((s) => `- Step ${s.index} ${mdText(s.description)}: ${s.status}${s.ms === undefined ? '' : ` (${formatDuration(s.ms)})`}`),
      '',
    );
  }
  return out;
}
