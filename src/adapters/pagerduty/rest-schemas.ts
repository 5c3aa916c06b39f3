// The parts of PagerDuty REST API v2 answers the bot relies on, parsed rather than cast.
import { z } from 'zod';
import type { IncidentLogEntry } from '../../core/ports.js';

const isoDateTime = z.iso.datetime({ offset: true });

/** One page of `GET /incidents/{id}/log_entries` (classic offset pagination). */
export const logEntriesPageSchema = z.object({
  log_entries: z.array(z.unknown()),
  more: z.boolean().optional().catch(false),
});

const logEntrySchema = z.object({
  type: z.string().min(1).max(128),
  created_at: isoDateTime,
  summary: z.string().nullish(),
});

/**
 * A log entry PagerDuty might add fields to or shape differently one day is skipped, not fatal:
 * the timeline feeds a root-cause summary, and most of it beats none of it.
 */
export function toIncidentLogEntry(raw: unknown): IncidentLogEntry | undefined {
  const parsed = logEntrySchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const { type, created_at: createdAt, summary } = parsed.data;
  return { at: new Date(createdAt).toISOString(), type, summary: summary?.trim() || type };
}

/** Oldest first; PagerDuty's order depends on query parameters and is not relied on. */
export function chronological(entries: IncidentLogEntry[]): IncidentLogEntry[] {
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => a.entry.at.localeCompare(b.entry.at) || a.index - b.index)
    .map(({ entry }) => entry);
}

export const incidentSchema = z.object({
  incident: z.object({
    id: z.string().min(1),
    title: z.string(),
    status: z.enum(['triggered', 'acknowledged', 'resolved']),
    urgency: z.enum(['high', 'low']).optional().catch(undefined),
    html_url: z
      .url({ protocol: /^https?$/ })
      .optional()
      .catch(undefined),
    service: z.object({ id: z.string().min(1) }),
  }),
});

/** What a plan shows of an incident someone named: its title, link and when it began. */
export const incidentSummarySchema = z.object({
  incident: z.object({
    id: z.string().min(1),
    title: z.string(),
    html_url: z
      .url({ protocol: /^https?$/ })
      .optional()
      .catch(undefined),
    created_at: z.iso.datetime({ offset: true }).optional().catch(undefined),
  }),
});

/** `GET /integration-slack/workspaces/{id}/connections` (app.pagerduty.com): PagerDuty service or team → Slack channel. */
export const slackConnectionsPageSchema = z.object({
  slack_connections: z.array(z.object({ source_id: z.string(), source_type: z.string(), channel_id: z.string() })),
  more: z.boolean().optional(),
});

/** `GET /incidents`: the fields a plan shows. */
export const incidentListSchema = z.object({
  incidents: z.array(incidentSummarySchema.shape.incident),
});

export interface PagerDutyIncident {
  id: string;
  title: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  serviceId: string;
  urgency?: 'high' | 'low';
  htmlUrl?: string;
}
