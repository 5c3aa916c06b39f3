// The person behind a Slack interaction, as the core names actors.
import type { Actor } from '../../../core/model.js';

export function actorOf(user: { id: string; name?: string; username?: string }): Actor {
  const name = user.name ?? user.username;
  return { kind: 'slack_user', id: user.id, ...(name ? { name } : {}) };
}
