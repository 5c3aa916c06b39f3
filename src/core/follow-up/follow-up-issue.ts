// The follow-up left behind, so an incident's lessons are not lost with its thread: when a run ends with its reports recorded, an issue in the
// service's repository (catalog `followUp.github.repo`) carries the root-cause report, so the work
// after the incident is tracked where the team works. Once per run, across retries and replicas:
// the run's timeline records the issue, and before creating one the tracker is asked for an issue
// carrying this run's marker (a previous attempt may have created it and died before recording).
import type { Run } from '../model.js';
import type { ChatSurface, Clock, Logger, Store } from '../ports.js';
import { loadRunReport } from '../report/run-report.js';
import type { Catalog } from '../service.js';
import type { RunEvent, RunEventSubscriber } from '../coordinator/run-events.js';
import type { IssueTracker, TrackedIssue } from './issue-tracker.js';

export const FOLLOW_UP_LABEL = 'smartspec-rollback';
export const FOLLOW_UP_EVENT = 'follow_up_issue';
const TRACKER_TIMEOUT_MS = 15_000;
// GitHub refuses bodies over 65,536 characters; the report is cut, never the marker.
const MAX_BODY = 60_000;

export function followUpMarker(runId: string): string {
  return `<!-- smartspec-rollback run ${runId} -->`;
}

export interface FollowUpDeps {
  tracker: IssueTracker;
  store: Pick<Store, 'getRun' | 'timeline' | 'appendTimeline'>;
  chat: Pick<ChatSurface, 'postThreadNote' | 'permalink'>;
  catalog: Catalog;
  clock: Clock;
  logger: Logger;
}

export class FollowUpIssueSubscriber implements RunEventSubscriber {
  readonly name = 'github-follow-up';

  constructor(private readonly deps: FollowUpDeps) {}

  async handle(event: RunEvent, run: Run): Promise<void> {
    if (event.type !== 'succeeded' && event.type !== 'failed') return;
    const repo = this.deps.catalog.services.get(run.plan.service)?.followUp?.github?.repo;
    if (!repo) return;
    await this.ensureIssue(run, repo);
  }

  /** The run's follow-up issue: the recorded one, one found by its marker, or a new one. */
  async ensureIssue(run: Run, repo: string): Promise<TrackedIssue | undefined> {
    const recorded = (await this.deps.store.timeline(run.id)).find((e) => e.type === FOLLOW_UP_EVENT);
    if (recorded) return undefined;
    const signal = AbortSignal.timeout(TRACKER_TIMEOUT_MS);
    const marker = followUpMarker(run.id);
    let issue = await this.deps.tracker.findIssue(repo, FOLLOW_UP_LABEL, marker, signal);
    const created = !issue;
    if (!issue) issue = await this.deps.tracker.createIssue(repo, await this.issueFor(run, marker), signal);
    await this.deps.store.appendTimeline({
      runId: run.id,
      at: this.deps.clock.now().toISOString(),
      actor: { kind: 'system', id: 'smartspec-rollback' },
      type: FOLLOW_UP_EVENT,
      detail: `${created ? 'opened' : 'found'} ${repo}#${issue.number}: ${issue.url}`,
    });
    await this.deps.chat
      .postThreadNote(run, `Follow-up issue with the root-cause report: ${issue.url}`)
      .catch((error: unknown) => this.deps.logger.warn({ err: error, runId: run.id }, 'could not post the follow-up issue link'));
    return issue;
  }

  private async issueFor(run: Run, marker: string) {
    const report = await loadRunReport(this.deps.store, run.id);
    const thread = await this.deps.chat.permalink(run).catch(() => undefined);
    const outcome = run.status === 'succeeded' ? 'rolled back' : 'rollback FAILED';
    const head = [
      `Rollback run \`${run.id}\`: ${run.plan.service} ${run.plan.fromVersion} → ${run.plan.toVersion} (${outcome}).`,
      thread ? `Slack thread: ${thread}` : undefined,
      run.plan.incident ? `PagerDuty incident: ${run.plan.incident.url ?? run.plan.incident.id}` : undefined,
    ]
      .filter(Boolean)
      .join('\n');
    const room = MAX_BODY - head.length - marker.length - 100;
    const markdown =
      report.markdown.length > room
        ? `${report.markdown.slice(0, room)}\n\n… (cut: the whole report is at GET /api/v1/rollbacks/${run.id}/report)`
        : report.markdown;
    return {
      title: `Follow up: ${run.plan.service} ${outcome} from ${run.plan.fromVersion} to ${run.plan.toVersion}`,
      body: `${head}\n\n${markdown}\n\n${marker}\n`,
      labels: [FOLLOW_UP_LABEL],
    };
  }
}
