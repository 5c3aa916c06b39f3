// User-group membership from Slack, cached briefly: approvals are rare, group changes should apply soon.
import type { webApi } from '@slack/bolt';
import type { Clock } from '../../core/ports.js';
import type { ApproverDirectory } from '../../core/use-cases/deps.js';

const DEFAULT_TTL_MS = 60_000;

export class SlackApproverDirectory implements ApproverDirectory {
  private readonly cache = new Map<string, { members: string[]; fetchedAt: number }>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly clock: Clock,
    private readonly ttlMs = DEFAULT_TTL_MS,
  ) {}

  async membersOf(groupId: string): Promise<string[]> {
    const now = this.clock.now().getTime();
    const cached = this.cache.get(groupId);
    if (cached && now - cached.fetchedAt < this.ttlMs) return cached.members;
    // Errors propagate: the policy turns them into a refusal, never into an approval.
    const result = await this.client.usergroups.users.list({ usergroup: groupId });
    const members = result.users ?? [];
    this.cache.set(groupId, { members, fetchedAt: now });
    return members;
  }
}
