import { randomBytes } from 'node:crypto';
import { validateModalView } from './block-kit-limits.js';
import { type ApiArgs, type ApiBody, ApiError, jsonArg, optionalString, problemsError } from './fake-slack-api-args.js';
import type { FakeSlackView, SlackBlock } from './fake-slack-types.js';
import type { FakeSlackWorkspace } from './fake-slack-workspace.js';
import { withGeneratedIds } from './slack-block-ids.js';

function viewArg(args: ApiArgs): Record<string, unknown> {
  const view = jsonArg(args, 'view', 'invalid_arguments');
  // Slack reports a bad view as invalid_arguments with the details in response_metadata.
  const problems = validateModalView(view);
  if (problems.length > 0) throw problemsError('invalid_arguments', problems);
  return view as Record<string, unknown>;
}

function newHash(ws: FakeSlackWorkspace): string {
  return `${Math.floor(ws.now() / 1000)}.${randomBytes(4).toString('hex')}`;
}

/** The view object as Slack returns it and later sends back in view_submission payloads. */
function renderView(ws: FakeSlackWorkspace, id: string, input: Record<string, unknown>, previous?: Record<string, unknown>): Record<string, unknown> {
  return {
    id,
    team_id: ws.identity.teamId,
    type: 'modal',
    blocks: withGeneratedIds((input.blocks ?? []) as SlackBlock[]),
    private_metadata: input.private_metadata ?? '',
    callback_id: input.callback_id ?? '',
    state: { values: {} },
    hash: newHash(ws),
    title: input.title,
    clear_on_close: input.clear_on_close === true,
    notify_on_close: input.notify_on_close === true,
    close: input.close ?? null,
    submit: input.submit ?? null,
    previous_view_id: null,
    root_view_id: previous?.root_view_id ?? id,
    app_id: ws.identity.appId,
    external_id: input.external_id ?? '',
    app_installed_team_id: ws.identity.teamId,
    bot_id: ws.identity.botId,
  };
}

export function viewsOpen(ws: FakeSlackWorkspace, args: ApiArgs): ApiBody {
  const input = viewArg(args);
  const triggerId = optionalString(args, 'trigger_id') ?? '';
  const trigger = ws.exchangeTrigger(triggerId);
  if (!trigger.ok) throw new ApiError(trigger.error);
  const id = ws.nextId('V');
  const record: FakeSlackView = {
    id,
    user: trigger.user,
    triggerId,
    view: renderView(ws, id, input),
    openedAt: ws.now(),
    closed: false,
    history: [],
    submissions: [],
  };
  ws.views.push(record);
  ws.emit({ type: 'view_opened', view: record });
  return { ok: true, view: record.view };
}

export function viewsUpdate(ws: FakeSlackWorkspace, args: ApiArgs): ApiBody {
  const input = viewArg(args);
  const viewId = optionalString(args, 'view_id');
  const externalId = optionalString(args, 'external_id');
  const record = ws.views.find((v) => !v.closed && (v.id === viewId || (externalId && v.view.external_id === externalId)));
  if (!record) throw new ApiError('not_found');
  const hash = optionalString(args, 'hash');
  if (hash !== undefined && hash !== record.view.hash) throw new ApiError('hash_conflict');
  applyViewUpdate(ws, record, input);
  return { ok: true, view: record.view };
}

/** Also used when an app acks a view_submission with response_action "update". */
export function applyViewUpdate(ws: FakeSlackWorkspace, record: FakeSlackView, input: Record<string, unknown>): void {
  record.history.push({ view: record.view, replacedAt: ws.now() });
  record.view = renderView(ws, record.id, input, record.view);
  ws.emit({ type: 'view_updated', view: record });
}

export function closeView(ws: FakeSlackWorkspace, record: FakeSlackView): void {
  if (record.closed) return;
  record.closed = true;
  ws.emit({ type: 'view_closed', view: record });
}
