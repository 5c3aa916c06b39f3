import { type ApiArgs, type ApiBody, ApiError, optionalString } from './fake-slack-api-args.js';
import type { FakeSlackWorkspace } from './fake-slack-workspace.js';

export function authTest(ws: FakeSlackWorkspace): ApiBody {
  const id = ws.identity;
  return {
    ok: true,
    url: `https://${id.teamDomain}.slack.com/`,
    team: 'Fake Workspace',
    user: id.botName,
    team_id: id.teamId,
    user_id: id.botUserId,
    bot_id: id.botId,
    app_id: id.appId,
    is_enterprise_install: false,
  };
}

export function usersInfo(ws: FakeSlackWorkspace, args: ApiArgs): ApiBody {
  const userId = optionalString(args, 'user');
  const user = userId === undefined ? undefined : ws.users.get(userId);
  if (!user) throw new ApiError('user_not_found');
  const realName = user.realName ?? user.name;
  return {
    ok: true,
    user: {
      id: user.id,
      team_id: ws.identity.teamId,
      name: user.name,
      real_name: realName,
      deleted: false,
      is_bot: user.isBot ?? false,
      is_admin: false,
      is_app_user: false,
      tz: 'Etc/UTC',
      profile: { real_name: realName, display_name: user.name },
    },
  };
}

export function usergroupsUsersList(ws: FakeSlackWorkspace, args: ApiArgs): ApiBody {
  const groupId = optionalString(args, 'usergroup');
  const users = groupId === undefined ? undefined : ws.userGroups.get(groupId);
  if (!users) throw new ApiError('no_such_subteam');
  return { ok: true, users: [...users] };
}
