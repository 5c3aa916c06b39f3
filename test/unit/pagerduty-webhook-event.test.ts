import { describe, expect, it } from 'vitest';
import { parsePagerDutyWebhook } from '../../src/adapters/pagerduty/webhook-event.js';
import { buildIncidentWebhook } from '../../sandbox/pagerduty/webhook-sender.js';

/** PagerDuty's documented example (v3 webhooks overview), trimmed to what matters plus noise. */
function documentedExample(overrides: Record<string, unknown> = {}, dataOverrides: Record<string, unknown> = {}) {
  return {
    event: {
      id: '5ac64822-4adc-4fda-ade0-410becf0de4f',
      event_type: 'incident.priority_updated',
      resource_type: 'incident',
      occurred_at: '2020-10-02T18:45:22.169Z',
      agent: { id: 'PLH1HKV', type: 'user_reference', summary: 'Tenex Engineer' },
      client: { name: 'PagerDuty' },
      data: {
        id: 'PGR0VU2',
        type: 'incident',
        self: 'https://api.pagerduty.com/incidents/PGR0VU2',
        html_url: 'https://acme.pagerduty.com/incidents/PGR0VU2',
        number: 2,
        status: 'triggered',
        incident_key: 'd3640fbd41094207a1c11e58e46b1662',
        created_at: '2020-04-09T15:16:27Z',
        title: 'A little bump in the road',
        service: { id: 'PF9KMXH', type: 'service_reference', summary: 'API Service' },
        assignees: [],
        priority: { id: 'PSO75BM', summary: 'P1', type: 'priority_reference' },
        urgency: 'high',
        conference_bridge: { conference_number: '+1 1234123412,,987654321#' },
        resolve_reason: null,
        ...dataOverrides,
      },
      ...overrides,
    },
  };
}

describe('parsePagerDutyWebhook', () => {
  it("parses PagerDuty's documented incident payload into the typed event", () => {
    expect(parsePagerDutyWebhook(documentedExample())).toEqual({
      kind: 'incident',
      id: '5ac64822-4adc-4fda-ade0-410becf0de4f',
      type: 'incident.priority_updated',
      occurredAt: '2020-10-02T18:45:22.169Z',
      incident: {
        id: 'PGR0VU2',
        title: 'A little bump in the road',
        serviceId: 'PF9KMXH',
        serviceName: 'API Service',
        status: 'triggered',
        urgency: 'high',
        htmlUrl: 'https://acme.pagerduty.com/incidents/PGR0VU2',
        number: 2,
      },
    });
  });

  it.each(['incident.triggered', 'incident.acknowledged', 'incident.resolved'] as const)('parses what the sandbox sender builds for %s', (type) => {
    const body = buildIncidentWebhook({
      eventId: 'evt-1',
      type,
      incident: { id: 'PINC001', title: 'checkout 5xx', serviceId: 'PABC123', urgency: 'low' },
      occurredAt: '2026-11-20T10:31:00Z',
    });
    const parsed = parsePagerDutyWebhook(JSON.stringify(body));
    expect(parsed).toMatchObject({
      kind: 'incident',
      id: 'evt-1',
      type,
      occurredAt: '2026-11-20T10:31:00.000Z',
      incident: { id: 'PINC001', title: 'checkout 5xx', serviceId: 'PABC123', urgency: 'low', status: type.slice('incident.'.length) },
    });
  });

  it('normalizes an offset timestamp to UTC', () => {
    const parsed = parsePagerDutyWebhook(documentedExample({ occurred_at: '2020-10-02T20:45:22+02:00' }));
    expect(parsed).toMatchObject({ kind: 'incident', occurredAt: '2020-10-02T18:45:22.000Z' });
  });

  it.each([
    ['incident.annotated (data is an incident_note)', 'incident.annotated'],
    ['incident.responder.added', 'incident.responder.added'],
    ['service.updated', 'service.updated'],
    ['pagey.ping (sent when a subscription is tested)', 'pagey.ping'],
    ['a type PagerDuty adds tomorrow', 'incident.something_new'],
  ])('ignores %s instead of failing', (_name, eventType) => {
    const parsed = parsePagerDutyWebhook(documentedExample({ event_type: eventType, data: { type: 'other', anything: 1 } }));
    expect(parsed).toEqual({
      kind: 'ignored',
      id: '5ac64822-4adc-4fda-ade0-410becf0de4f',
      type: eventType,
      reason: `event type ${eventType} is not handled`,
    });
  });

  it('degrades display-only fields PagerDuty may change to undefined', () => {
    const parsed = parsePagerDutyWebhook(
      documentedExample({}, { status: 'snoozed', urgency: null, html_url: 'javascript:alert(1)', number: 'two', service: { id: 'PF9KMXH' } }),
    );
    expect(parsed.kind).toBe('incident');
    if (parsed.kind !== 'incident') return;
    expect(parsed.incident).toEqual({ id: 'PGR0VU2', title: 'A little bump in the road', serviceId: 'PF9KMXH' });
  });

  it('bounds a very long title', () => {
    const parsed = parsePagerDutyWebhook(documentedExample({}, { title: 'x'.repeat(5000) }));
    expect(parsed.kind === 'incident' && parsed.incident.title.length).toBe(1024);
  });

  it.each([
    ['a non-object', 42, '(body)'],
    ['JSON text that is not JSON', '{"event":', '(body)'],
    ['no event', { data: {} }, 'event'],
    ['no event id', { event: { event_type: 'incident.triggered', occurred_at: '2020-10-02T18:45:22Z', data: {} } }, 'event.id'],
  ])('rejects %s with an error naming the field', (_name, raw, path) => {
    const parsed = parsePagerDutyWebhook(raw);
    expect(parsed.kind).toBe('invalid');
    if (parsed.kind !== 'invalid') return;
    expect(parsed.issues.map((i) => i.path)).toContain(path);
    expect(parsed.error).toMatch(/^The PagerDuty webhook is not valid: /);
  });

  it.each([
    ['no service', { service: undefined }, 'event.data.service'],
    ['a service without id', { service: { summary: 'x' } }, 'event.data.service.id'],
    ['an id that is not a PagerDuty id', { id: '../../admin' }, 'event.data.id'],
    ['a data type that is not incident', { type: 'incident_note' }, 'event.data.type'],
    ['no title', { title: undefined }, 'event.data.title'],
  ])('rejects an incident event with %s', (_name, dataOverrides, path) => {
    const parsed = parsePagerDutyWebhook(documentedExample({ event_type: 'incident.triggered' }, dataOverrides));
    expect(parsed.kind).toBe('invalid');
    if (parsed.kind !== 'invalid') return;
    expect(parsed.issues.map((i) => i.path)).toContain(path);
    expect(parsed.error).toMatch(/^The PagerDuty incident\.triggered webhook is not valid: /);
  });

  it('rejects an incident event without a valid occurred_at', () => {
    const parsed = parsePagerDutyWebhook(documentedExample({ event_type: 'incident.triggered', occurred_at: 'yesterday' }));
    expect(parsed).toMatchObject({ kind: 'invalid', issues: [{ path: 'event.occurred_at' }] });
  });

  it('never echoes field values in the error', () => {
    const parsed = parsePagerDutyWebhook(documentedExample({ event_type: 'incident.triggered' }, { id: 'SECRET<script>' }));
    expect(parsed.kind === 'invalid' && parsed.error).not.toContain('SECRET');
  });
});
