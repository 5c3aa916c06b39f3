// What to do next, derived from what we found: each follow-up answers a cause, a gap or an outcome.
// Nothing here guesses: no cause, no cause-specific advice.
import type { CauseKind, RootCause } from '../evidence.js';
import type { Run } from '../model.js';
import { summariseVerification } from './verification-summary.js';

function names(list: string[]): string {
  return list.map((n) => `\`${n}\``).join(', ');
}

function forCause(kind: CauseKind, rc: RootCause, run: Run): string {
  const env = (pick: 'removed' | 'added' | 'changed') => [...new Set((rc.diff?.components ?? []).flatMap((d) => d.env[pick]))];
  switch (kind) {
    case 'oom':
      return `Raise the memory limit or fix the leak in ${run.plan.fromVersion} before redeploying; compare its memory use with ${run.plan.toVersion}.`;
    case 'image_pull':
      return 'Check that the image tag exists in the registry and that the pull secret works; fix the CI push step.';
    case 'container_config':
      return 'Create the missing ConfigMap, Secret or key (or fix its name) before redeploying.';
    case 'crash_loop':
      return 'Fix the startup error quoted in the last log lines; reproduce it in staging with the production configuration.';
    case 'unschedulable':
      return "Lower the pods' requests or add capacity before redeploying.";
    case 'readiness_probe':
      return "Make the readiness endpoint pass (or fix the probe's path, port and timeouts) and test it in staging.";
    case 'liveness_probe':
      return 'Fix the liveness probe or what makes it time out; give slow starts a startupProbe.';
    case 'killed':
      return "Find what killed the containers (node memory pressure, a failed liveness probe) in the node's events.";
    case 'config_change': {
      const removed = env('removed');
      const changed = [...env('added'), ...env('changed')];
      if (removed.length > 0) return `Restore the missing env var(s) ${names(removed)} in the deployment config, or make the code work without them.`;
      if (changed.length > 0) return `Review the changed configuration (${names(changed)}) before redeploying.`;
      return 'Review the ConfigMap/Secret change that shipped with this deploy before redeploying.';
    }
    case 'resources_lowered':
      return 'Restore the previous requests and limits, or load-test the new ones before redeploying.';
    case 'migration':
      return `Check migration(s) ${names((rc.release?.migrations ?? []).map((m) => m.id))} against the code; run the down migration if ${run.plan.toVersion} needs the old schema.`;
  }
}

export function followUps(run: Run): string[] {
  const rc = run.rootCause;
  const items: string[] = [];
  const kinds = [...new Set((rc?.causes ?? []).map((c) => c.kind).filter((k): k is CauseKind => k !== undefined))];
  if (rc) items.push(...kinds.map((k) => forCause(k, rc, run)));
  if (!rc || rc.causes.length === 0) {
    items.push(
      `No cause was identified from the cluster's evidence: look at application metrics, traces and the code change ${run.plan.toVersion} → ${run.plan.fromVersion}.`,
    );
  }
  const verification = summariseVerification(run);
  if (verification.outcome === 'failed')
    items.unshift(`Verification failed: check ${run.plan.service} by hand now; the rollback may not have restored service.`);
  if (verification.outcome === 'not_run' && (run.status === 'failed' || run.status === 'interrupted')) {
    items.unshift(`The rollback did not complete: check what ${run.plan.components.join(', ')} run now (\`kubectl rollout status\`).`);
  }
  if (verification.notChecked.length > 0) {
    items.push(
      `Configure ${verification.notChecked.map((n) => n.name).join(' and ')} in the catalog's verification so the next rollback is verified beyond the rollout.`,
    );
  }
  if (run.status === 'succeeded')
    items.push(`Fix forward and redeploy through CI: ${run.plan.fromVersion} is marked rolled back and will not be chosen as a target.`);
  items.push('Add the test or alert that would have caught this before production.');
  return items;
}
