// The thread's root-cause message: probable causes with the evidence behind each, then the raw evidence.
import type { Run } from '../../../core/model.js';
import { context, escapeMrkdwn, header, section, sectionsOf, type Block } from './block-kit.js';

const MAX_PODS = 6;
const MAX_WARNINGS = 6;

export function renderRootCauseBlocks(run: Run): Block[] {
  const rc = run.rootCause;
  const blocks: Block[] = [header(`🔎 Root cause: ${run.plan.service} ${run.plan.fromVersion}`)];
  if (!rc) return [...blocks, section('No evidence was collected for this run.')];
  if (rc.causes.length === 0) {
    blocks.push(section('*No cause identified* from the evidence collected: the failed pods showed no crash, OOM, image pull, scheduling or probe failure. Look at application metrics and the change itself.'));
  } else {
    blocks.push(...sectionsOf('*Probable causes*', rc.causes.map((c, i) => `${i + 1}. ${escapeMrkdwn(c.summary)} _(confidence: ${c.confidence})_\n${c.evidence.map((e) => `      • ${escapeMrkdwn(e)}`).join('\n')}`), 2));
  }
  if (rc.pods.length > 0) {
    const pods = rc.pods.slice(0, MAX_PODS).map((p) => {
      const state = p.waitingReason ?? p.phase;
      const last = p.lastTerminationReason ? `, last: ${p.lastTerminationReason} (exit ${p.lastExitCode ?? '?'})` : '';
      return `• \`${p.name}\` ${escapeMrkdwn(state)}${p.ready ? ', ready' : ''}, ${p.restarts} restart(s)${escapeMrkdwn(last)}`;
    });
    if (rc.pods.length > MAX_PODS) pods.push(`…and ${rc.pods.length - MAX_PODS} more pod(s)`);
    blocks.push(...sectionsOf('*Failed version pods*', pods, 1));
  }
  if (rc.warnings.length > 0) {
    const warnings = rc.warnings.slice(0, MAX_WARNINGS).map((w) => `• ${escapeMrkdwn(w.object)}: *${escapeMrkdwn(w.reason)}* ×${w.count} — ${escapeMrkdwn(w.message)}`);
    blocks.push(...sectionsOf('*Warning events*', warnings, 1));
  }
  const lastLines = rc.lastLogLines.filter((l) => l.lines.length > 0).slice(0, 3).map((l) => `• \`${l.pod}/${l.container}\`: \`${escapeMrkdwn(l.lines[l.lines.length - 1] ?? '').replaceAll('`', "'")}\``);
  if (lastLines.length > 0) blocks.push(...sectionsOf('*Last log lines of crashed containers*', lastLines, 1));
  blocks.push(context(`Built from the cluster's evidence before the rollback · run \`${run.id}\``));
  return blocks;
}

export function rootCauseFallbackText(run: Run): string {
  const top = run.rootCause?.causes[0];
  return `Root cause for ${run.plan.service} ${run.plan.fromVersion}: ${top ? top.summary : 'no cause identified'}`;
}
