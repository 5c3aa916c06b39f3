// Where PagerDuty links incidents to Slack: the Slack integration's connections (a PagerDuty service
// or team → a Slack channel, `GET /integration-slack/workspaces/{workspace}/connections` on
// app.pagerduty.com) and the incident list filtered by service and status (`GET /incidents`). The
// REST API has no field for an incident's own dedicated channel (PagerDuty/api-schema#411), so the
// connection is what ties a channel to the incidents of a service.
import { restError, type FakeAnswer, type RestRequest } from './fake-pagerduty-rest.js';
import type { FakeIncident } from './fake-pagerduty-types.js';

export interface FakeSlackConnection {
  id: string;
  workspaceId: string;
  channelId: string;
  channelName: string;
  sourceId: string;
  sourceType: 'service_reference' | 'team_reference';
}

const PAGE_MAX = 100;

export function handleLinks(
  req: RestRequest,
  incidents: Map<string, FakeIncident>,
  connections: readonly FakeSlackConnection[],
): FakeAnswer | undefined {
  const conn = /^\/integration-slack\/workspaces\/([^/]+)\/connections$/.exec(req.path);
  if (conn && req.method === 'GET') {
    const workspace = decodeURIComponent(conn[1]!);
    const paged = page(req.query);
    if (!paged) return restError(400, 'Invalid Input Provided', 2001, ['limit and offset must be non-negative integers.']);
    const all = connections.filter((c) => c.workspaceId === workspace);
    const slice = all.slice(paged.offset, paged.offset + paged.limit);
    return {
      status: 200,
      body: {
        slack_connections: slice.map((c) => ({
          id: c.id,
          source_id: c.sourceId,
          source_name: c.sourceId,
          source_type: c.sourceType,
          channel_id: c.channelId,
          channel_name: c.channelName,
          notification_type: 'responder',
          config: { events: ['incident.triggered', 'incident.resolved'], priorities: ['*'], urgency: null },
        })),
        limit: paged.limit,
        offset: paged.offset,
        more: paged.offset + slice.length < all.length,
        total: all.length,
      },
    };
  }
  if (req.path === '/incidents' && req.method === 'GET') {
    const paged = page(req.query);
    if (!paged) return restError(400, 'Invalid Input Provided', 2001, ['limit and offset must be non-negative integers.']);
    const services = req.query.getAll('service_ids[]');
    const statuses = req.query.getAll('statuses[]');
    const bad = statuses.find((s) => !['triggered', 'acknowledged', 'resolved'].includes(s));
    if (bad) return restError(400, 'Invalid Input Provided', 2001, [`Statuses must be one of triggered, acknowledged, resolved (got ${bad}).`]);
    const all = [...incidents.values()]
      .filter(
        (i) =>
          (services.length === 0 || services.includes(i.serviceId)) &&
          (statuses.length === 0 ? i.status !== 'resolved' : statuses.includes(i.status)),
      )
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const slice = all.slice(paged.offset, paged.offset + paged.limit);
    return {
      status: 200,
      body: {
        incidents: slice.map((i) => ({
          id: i.id,
          type: 'incident',
          title: i.title,
          status: i.status,
          urgency: i.urgency,
          created_at: i.createdAt,
          html_url: `https://fake.pagerduty.test/incidents/${i.id}`,
          service: { id: i.serviceId, type: 'service_reference' },
        })),
        limit: paged.limit,
        offset: paged.offset,
        more: paged.offset + slice.length < all.length,
        total: null,
      },
    };
  }
  return undefined;
}

function page(query: URLSearchParams): { limit: number; offset: number } | undefined {
  const limit = query.get('limit') ?? '25';
  const offset = query.get('offset') ?? '0';
  if (!/^\d+$/.test(limit) || !/^\d+$/.test(offset) || Number(limit) < 1) return undefined;
  return { limit: Math.min(Number(limit), PAGE_MAX), offset: Number(offset) };
}
