// What each run event says in the plan's thread. Pure: (event, run) → a message or nothing. Events
// that only move the plan message (approvals, steps, verifying) have no note: the plan message shows
// them, and a thread line for each would bury what people must act on.
import type { ComponentPlace, RunEvent, StepRef } from '../../../core/coordinator/run-events.js';
import type { Run } from '../../../core/model.js';
import { clip, context, escapeMrkdwn, inlineCode, LIMITS, section, type Block } from './block-kit.js';
import { actorText, approverList, clockTime, componentPlaceLine, stepNumbers } from './slack-words.js';

export interface ThreadNote {
  /** The notification and fallback text: no layout, still readable. */
  text: string;
  blocks: Block[];
}

export interface NoteLinks {
  /** A permalink to the new run's plan message, for `replanned`. */
  newPlan?: string;
}

const RETRY_HINT = 'Press *Retry* on the plan to plan the rollback again from the cluster as it is now.';

export function renderRunEventNote(event: RunEvent, run: Run, links: NoteLinks = {}): ThreadNote | undefined {
  switch (event.type) {
    case 'planned':
      if (!event.supersedes) return undefined;
      return event.supersedes.why === 'retry'
        ? note(`:repeat: This plan retries run ${inlineCode(event.supersedes.runId)}, requested by ${actorText(event.actor)}.`)
        : note(
            `:arrows_counterclockwise: Refreshed plan: run ${inlineCode(event.supersedes.runId)} was not executed because the cluster changed after it was planned.`,
          );
    case 'rejected':
      return note(
        `:no_entry_sign: *Rejected* by ${actorText(event.actor)}${event.reason ? `: ${escapeMrkdwn(event.reason)}` : '.'} Nothing was executed.`,
      );
    case 'step_failed':
      return note([
        `:x: *Step ${event.step.index} of ${event.of} failed* (${escapeMrkdwn(event.step.component)}): ${escapeMrkdwn(event.error)}`,
        event.notDone.length > 0 ? `Not done: ${stepsPhrase(event.notDone)}.` : '',
      ]);
    case 'failed':
      return note([
        `:red_circle: *Rollback failed:* ${failureCause(event.cause)}${event.cause === 'internal_error' ? ` — ${escapeMrkdwn(event.error)}${event.errorId ? ` (error id ${inlineCode(event.errorId)})` : ''}` : ''}.`,
        ...placesSection('Where the components are now:', event.components),
        RETRY_HINT,
      ]);
    case 'cancel_requested':
      return note(
        `:octagonal_sign: ${actorText(event.actor)} asked to stop this rollback. It stops before its next step; a step already under way finishes or is aborted safely.`,
      );
    case 'cancelled':
      return cancelledNote(event, run);
    case 'reminder_due':
      return note(
        `:bell: ${approverList(event.approvers)} this rollback plan for *${escapeMrkdwn(run.plan.service)}* has waited ${event.waitedMinutes} min for approval: ${event.missing} more approval(s) needed before it expires at ${clockTime(event.expiresAt)}.`,
        `${approverList(event.approvers)} reminder: the rollback plan for ${escapeMrkdwn(run.plan.service)} waits for ${event.missing} more approval(s).`,
      );
    case 'resumed':
      return note([
        `:arrow_forward: *Resumed.* The bot running this rollback stopped while it was \`${event.was}\`; it was picked up again and the cluster is where the run left it.`,
        event.stepsDone.length > 0 ? `Already done (not repeated): ${stepsPhrase(event.stepsDone)}.` : 'No step had completed.',
        event.fromStep
          ? `Continuing from step ${event.fromStep.index}: ${escapeMrkdwn(event.fromStep.description)}.`
          : 'Continuing with verification.',
      ]);
    case 'interrupted':
      return note([
        `:warning: *Interrupted.* The bot running this rollback stopped while it was \`${event.was}\`, and the cluster is not where the run left it, so nothing more will run by itself.`,
        ...(event.found.length > 0 ? ['*What was found:*', ...event.found.map((f) => `• ${escapeMrkdwn(f)}`)] : []),
        stepsLine(event.stepsDone, event.stepsNotDone),
        ...placesSection('Where the components are now:', event.components),
        RETRY_HINT,
      ]);
    case 'drifted':
      return note([
        ':no_entry: *Not executed: the cluster changed since this plan was made.*',
        ...event.changes.map((c) => `• ${escapeMrkdwn(c)}`),
        'A refreshed plan follows for approval.',
      ]);
    case 'replanned': {
      const where = links.newPlan ? `<${links.newPlan}|run ${event.newRunId}>` : `run ${inlineCode(event.newRunId)}`;
      return event.why === 'retry'
        ? note(`:repeat: ${actorText(event.actor)} retried this rollback: the new plan is ${where}.`)
        : note(`:arrows_counterclockwise: The refreshed plan is ${where}.`);
    }
    case 'replan_failed':
      return note(
        `:x: ${event.why === 'retry' ? 'The retry could not be planned' : 'A refreshed plan could not be made'}: ${escapeMrkdwn(event.error)}`,
      );
    case 'incident_progress':
      return note(
        `:pager: PagerDuty incident ${inlineCode(event.incidentId)} was *${event.change}*${event.by ? ` by ${escapeMrkdwn(event.by)}` : ''} at ${clockTime(event.occurredAt)}.`,
      );
    case 'approval_recorded':
    case 'approved':
    case 'execution_started':
    case 'step_started':
    case 'step_done':
    case 'verifying':
    case 'verified':
    case 'succeeded':
    case 'expired':
    case 'reshown':
    case 'reports_ready':
      return undefined;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

function cancelledNote(event: Extract<RunEvent, { type: 'cancelled' }>, run: Run): ThreadNote {
  if (event.why === 'not_shown')
    return note(':heavy_multiplication_x: *Cancelled:* the plan could not be shown in Slack, so it was withdrawn. Nothing was executed.');
  if (event.was === 'awaiting_approval' || event.was === 'planned') {
    return note(`:heavy_multiplication_x: *Withdrawn* by ${actorText(event.actor)}. Nothing was executed.`);
  }
  const touched = event.stepsDone.length > 0 || event.components.some((c) => c.at !== 'start');
  return note([
    `:octagonal_sign: *Stopped* by ${actorText(event.actor)} while it was \`${event.was}\`.`,
    touched ? stepsLine(event.stepsDone, event.stepsNotDone) : `No step had run: nothing in ${escapeMrkdwn(run.plan.service)} was changed.`,
    ...placesSection('Where the components were left:', event.components),
    RETRY_HINT,
  ]);
}

function stepsLine(done: readonly StepRef[], notDone: readonly StepRef[]): string {
  const parts = [done.length > 0 ? `${stepsPhrase(done)} done` : 'no step done', notDone.length > 0 ? `${stepsPhrase(notDone)} not done` : ''];
  return `${parts.filter(Boolean).join('; ')}.`.replace(/^./, (c) => c.toUpperCase());
}

function stepsPhrase(steps: readonly StepRef[]): string {
  return `${steps.length === 1 ? 'step' : 'steps'} ${stepNumbers(steps)}`;
}

function placesSection(title: string, places: readonly ComponentPlace[]): string[] {
  return places.length > 0 ? [`*${title}*`, ...places.map(componentPlaceLine)] : [];
}

function failureCause(cause: Extract<RunEvent, { type: 'failed' }>['cause']): string {
  switch (cause) {
    case 'step_failed':
      return 'a step failed (see above)';
    case 'verification_failed':
      return 'verification failed (the report follows)';
    case 'internal_error':
      return 'the bot hit an error';
  }
}

/** Lines joined into one section; the fallback text is the same words without markup. */
function note(lines: string | Array<string | undefined>, fallback?: string): ThreadNote {
  const body = (Array.isArray(lines) ? lines : [lines]).filter((l): l is string => Boolean(l)).join('\n');
  const blocks: Block[] = [section(body)];
  if (body.length > LIMITS.sectionText) blocks.push(context('Truncated to fit Slack: the full record is in `smartspec-rollback report`.'));
  return { text: clip(fallback ?? plainFallback(body), LIMITS.fallbackText), blocks };
}

/** Notifications show `text`: mentions stay (they notify), emoji codes and bold marks go. */
function plainFallback(mrkdwn: string): string {
  return mrkdwn
    .split('\n')[0]!
    .replace(/(^|\s):[a-z_+-]+:\s*/g, '$1')
    .replace(/\*([^*\n]+)\*/g, '$1')
    .trim();
}
