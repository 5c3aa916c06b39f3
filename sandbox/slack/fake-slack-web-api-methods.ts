import type { ApiArgs, ApiBody } from './fake-slack-api-args.js';
import { chatDelete, chatGetPermalink, chatPostEphemeral, chatPostMessage, chatUpdate } from './fake-slack-chat-methods.js';
import { authTest, usergroupsUsersList, usersInfo } from './fake-slack-directory-methods.js';
import { viewsOpen, viewsUpdate } from './fake-slack-view-methods.js';
import type { FakeSlackWorkspace } from './fake-slack-workspace.js';

export type WebApiMethod = (ws: FakeSlackWorkspace, args: ApiArgs) => ApiBody;

/** The Web API methods the fake implements; anything else answers unknown_method. */
export const WEB_API_METHODS: Readonly<Record<string, WebApiMethod>> = {
  'auth.test': authTest,
  'chat.postMessage': chatPostMessage,
  'chat.update': chatUpdate,
  'chat.delete': chatDelete,
  'chat.postEphemeral': chatPostEphemeral,
  'chat.getPermalink': chatGetPermalink,
  'users.info': usersInfo,
  'usergroups.users.list': usergroupsUsersList,
  'views.open': viewsOpen,
  'views.update': viewsUpdate,
};

/** failNext defaults: how Slack answers each kind of trouble. */
export function defaultFailureStatus(error: string): { httpStatus: number; retryAfterSeconds?: number } {
  if (error === 'ratelimited' || error === 'rate_limited') return { httpStatus: 429, retryAfterSeconds: 1 };
  if (error === 'internal_error' || error === 'fatal_error') return { httpStatus: 500 };
  if (error === 'service_unavailable') return { httpStatus: 503 };
  return { httpStatus: 200 };
}
