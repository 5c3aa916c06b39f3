// The thread's root-cause message: ranked probable causes with the evidence behind each, what changed
// between the versions, then the raw evidence — bounded to fit Slack, saying what it left out and
// where the full report is. Everything is scrubbed again on the way out.
import type { Run } from '../../../core/model.js';
import { releaseLines, templateDiffLines } from '../../../core/report/diff-lines.js';
import { formatClock } from '../../../core/report/durations.js';
import { CLUSTER_EVIDENCE_MISSING, clusterEvidenceMissing, incidentEntryType, podLine } from '../../../core/report/evidence-lines.js';
import { scrubDeep, scrubSecrets } from '../../../core/scrub.js';
import { context, escapeMrkdwn, header, section, type Block } from './block-kit.js';
import { codeBlock, fitSections, fullReportPointer, Omissions } from './report-sections.js';

const MAX_CAUSES = 5;
const MAX_EVIDENCE_PER_CAUSE = 4;
const MAX_CHANGES = 12;
const MAX_PODS = 6;
const MAX_WARNINGS = 6;
const MAX_LOG_PODS = 2;
const MAX_LOG_LINES = 5;
const MAX_INCIDENT_ENTRIES = 6;

export function renderRootCauseBlocks(run: Run): Block[] {
  return scrubDeep(build(scrubDeep(run)), 'rendered');
}

function build(run: Run): Block[] {
  const rc = run.rootCause;
  const blocks: Block[] = [header(`🔎 Root cause: ${run.plan.service} ${run.plan.fromVersion}`)];
  if (!rc) return [...blocks, section('No evidence was collected for this run, so no cause can be named.'), context(fullReportPointer(run.id))];
  const cut = new Omissions();
  if (clusterEvidenceMissing(rc)) blocks.push(section(`:warning: ${CLUSTER_EVIDENCE_MISSING}`));
  if (rc.causes.length === 0) {
    blocks.push(
      section(
        '*No cause identified* from the evidence collected: the failed pods showed no crash, OOM, image pull, scheduling or probe failure, and no configuration change points anywhere. Look at application metrics and the change itself.',
      ),
    );
  } else {
    const causes = cut.take(rc.causes, MAX_CAUSES, 'probable cause(s)').map((c, i) => {
      const evidence = cut.take(c.evidence, MAX_EVIDENCE_PER_CAUSE, 'evidence line(s)');
      return `${i + 1}. *${escapeMrkdwn(c.summary)}* _(confidence: ${c.confidence})_\n${evidence.map((e) => `      • ${escapeMrkdwn(e)}`).join('\n')}`;
    });
    blocks.push(...fitSections('*Probable causes*', causes, 2, cut, 'probable cause(s)'));
  }
  const changes = [...releaseLines(rc.release), ...templateDiffLines(rc.diff)].map((l) => `• ${escapeMrkdwn(l)}`);
  if (changes.length > 0) {
    blocks.push(
      ...fitSections(
        `*What changed* (${run.plan.toVersion} → ${run.plan.fromVersion}; env values never shown)`,
        cut.take(changes, MAX_CHANGES, 'change(s)'),
        1,
        cut,
        'change(s)',
      ),
    );
  }
  if (rc.pods.length > 0) {
    const pods = cut.take(rc.pods, MAX_PODS, 'pod(s)').map((p) => `• ${escapeMrkdwn(podLine(p))}`);
    blocks.push(...fitSections('*Failed version pods*', pods, 1, cut, 'pod(s)'));
  }
  if (rc.warnings.length > 0) {
    const warnings = cut
      .take(rc.warnings, MAX_WARNINGS, 'warning event(s)')
      .map((w) => `• ${escapeMrkdwn(w.object)}: *${escapeMrkdwn(w.reason)}* ×${w.count} — ${escapeMrkdwn(w.message)}`);
    blocks.push(...fitSections('*Warning events*', warnings, 1, cut, 'warning event(s)'));
  }
  const logs = cut.take(
    rc.lastLogLines.filter((l) => l.lines.length > 0),
    MAX_LOG_PODS,
    'crashed container log(s)',
  );
  if (logs.length > 0) {
    const quoted = logs.map((l) => {
      const lines = l.lines.slice(-MAX_LOG_LINES);
      cut.add(l.lines.length - lines.length, `earlier log line(s) of ${l.pod}`);
      return `\`${escapeMrkdwn(l.pod)}/${escapeMrkdwn(l.container)}\` (previous container):\n${codeBlock(lines)}`;
    });
    blocks.push(...fitSections('*Last log lines of crashed containers* (secrets scrubbed)', quoted, 1, cut, 'crashed container log(s)'));
  }
  const incident = rc.incident;
  if (incident && incident.entries.length > 0) {
    const entries = cut
      .take(incident.entries, MAX_INCIDENT_ENTRIES, 'incident log entries')
      .map((e) => `• ${formatClock(e.at)} ${escapeMrkdwn(incidentEntryType(e.type))}: ${escapeMrkdwn(e.summary)}`);
    blocks.push(...fitSections(`*Incident ${escapeMrkdwn(incident.id)}*`, entries, 1, cut, 'incident log entries'));
  }
  if (rc.omitted && (rc.omitted.pods > 0 || rc.omitted.warnings > 0))
    cut.add(rc.omitted.pods + rc.omitted.warnings, 'pods/events beyond what the collector keeps');
  const truncated = cut.any ? `:scissors: Truncated to fit Slack: ${cut.describe()} not shown. ` : '';
  blocks.push(context(`${truncated}Built from the cluster's evidence before the rollback · ${fullReportPointer(run.id)}`));
  return blocks;
}

export function rootCauseFallbackText(run: Run): string {
  const top = run.rootCause?.causes[0];
  return scrubSecrets(`Root cause for ${run.plan.service} ${run.plan.fromVersion}: ${top ? top.summary : 'no cause identified'}`);
}
