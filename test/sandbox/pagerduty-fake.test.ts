// The fake PagerDuty itself, with plain fetch: the rules it enforces are the ones PagerDuty does.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakePagerDuty, startFakePagerDuty } from '../../sandbox/pagerduty/fake-pagerduty.js';

const TOKEN = 'fake-pd-token-1';
const FROM = 'bot@example.com';
const ROUTING_KEY = 'R0123456789abcdef0123456789abcde';

let fake: FakePagerDuty;

async function call(method: string, path: string, opts: { headers?: Record<string, string>; body?: unknown; raw?: string } = {}) {
  const res = await fetch(`${fake.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Token token=${TOKEN}`,
      accept: 'application/vnd.pagerduty+json;version=2',
      'content-type': 'application/json',
      ...opts.headers,
    },
    ...(opts.raw !== undefined ? { body: opts.raw } : opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    signal: AbortSignal.timeout(5000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json: json as Record<string, any> };
}

beforeEach(async () => {
  fake = await startFakePagerDuty({ token: TOKEN, from: FROM, now: () => Date.parse('2026-11-20T10:40:00Z') });
  fake.addIncident({ id: 'PINC001', title: 'checkout 5xx', serviceId: 'PABC123', createdAt: '2026-11-20T10:31:00Z' });
});

afterEach(async () => {
  await fake.close();
});

describe('fake PagerDuty REST API', () => {
  it("serves an incident in PagerDuty's wrapped shape", async () => {
    const { status, json } = await call('GET', '/incidents/PINC001');
    expect(status).toBe(200);
    expect(json.incident).toMatchObject({
      id: 'PINC001',
      type: 'incident',
      title: 'checkout 5xx',
      status: 'triggered',
      service: { id: 'PABC123', type: 'service_reference' },
    });
  });

  it.each([
    ['no Authorization', { authorization: '' }],
    ['a wrong token', { authorization: 'Token token=nope' }],
    ['a bearer token', { authorization: `Bearer ${TOKEN}` }],
  ])('answers 401 to %s', async (_name, headers) => {
    const { status, json } = await call('GET', '/incidents/PINC001', { headers });
    expect(status).toBe(401);
    expect(json).toEqual({ error: { message: 'Authentication failed', code: 2006 } });
  });

  it('answers 404 to unknown incidents and routes', async () => {
    expect((await call('GET', '/incidents/PNOPE')).json.error.code).toBe(5001);
    expect((await call('GET', '/services')).status).toBe(404);
  });

  it('creates a note with 201 and lists it', async () => {
    const created = await call('POST', '/incidents/PINC001/notes', { headers: { from: FROM }, body: { note: { content: 'Rolled back' } } });
    expect(created.status).toBe(201);
    expect(created.json.note).toMatchObject({ content: 'Rolled back', created_at: '2026-11-20T10:40:00.000Z', user: { summary: FROM } });
    const listed = await call('GET', '/incidents/PINC001/notes');
    expect(listed.json.notes).toHaveLength(1);
    expect(fake.notes).toMatchObject([{ incidentId: 'PINC001', content: 'Rolled back', from: FROM }]);
  });

  it.each([
    ['no From header', {}, 2016],
    ['a From that is not an email', { from: 'bot' }, 1028],
    ['a From that is not the configured user', { from: 'eve@example.com' }, 1008],
  ])('rejects a note with %s as PagerDuty does', async (_name, headers, code) => {
    const { status, json } = await call('POST', '/incidents/PINC001/notes', { headers, body: { note: { content: 'x' } } });
    expect(status).toBe(400);
    expect(json.error.code).toBe(code);
    expect(fake.notes).toEqual([]);
  });

  it.each([
    ['empty content', { note: { content: '  ' } }],
    ['no note', { content: 'x' }],
  ])('rejects a note with %s', async (_name, body) => {
    const { status, json } = await call('POST', '/incidents/PINC001/notes', { headers: { from: FROM }, body });
    expect(status).toBe(400);
    expect(json.error).toMatchObject({ message: 'Invalid Input Provided', code: 2001 });
  });

  it('pages log entries newest first with limit (at most 100), offset and more', async () => {
    for (let i = 0; i < 150; i += 1) {
      fake.addLogEntry('PINC001', {
        type: 'notify_log_entry',
        summary: `n${i}`,
        createdAt: new Date(Date.parse('2026-11-20T11:00:00Z') + i * 1000).toISOString(),
      });
    }
    const first = await call('GET', '/incidents/PINC001/log_entries?limit=500');
    expect(first.json).toMatchObject({ limit: 100, offset: 0, more: true, total: null });
    expect(first.json.log_entries[0]).toMatchObject({ type: 'notify_log_entry', summary: 'n149' });
    const last = await call('GET', '/incidents/PINC001/log_entries?limit=100&offset=100&total=true');
    expect(last.json).toMatchObject({ more: false, total: 151 });
    expect(last.json.log_entries).toHaveLength(51);
    expect(last.json.log_entries.at(-1)).toMatchObject({ type: 'trigger_log_entry', created_at: '2026-11-20T10:31:00Z' });
    expect((await call('GET', '/incidents/PINC001/log_entries?offset=-1')).status).toBe(400);
  });
});

describe('fake PagerDuty Events API', () => {
  const trigger = { routing_key: ROUTING_KEY, event_action: 'trigger', dedup_key: 'k1', payload: { summary: 's', source: 'src', severity: 'error' } };

  it('accepts a trigger with 202 and records it, whatever the Authorization', async () => {
    const { status, json } = await call('POST', '/v2/enqueue', { headers: { authorization: '' }, body: trigger });
    expect(status).toBe(202);
    expect(json).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'k1' });
    expect(fake.alerts).toMatchObject([{ routingKey: ROUTING_KEY, dedupKey: 'k1', severity: 'error' }]);
  });

  it('generates a dedup_key when a trigger has none', async () => {
    const { json } = await call('POST', '/v2/enqueue', { body: { ...trigger, dedup_key: undefined } });
    expect(json.dedup_key).toMatch(/^[0-9a-f]{32}$/);
  });

  it('lists every problem of an invalid event', async () => {
    const { status, json } = await call('POST', '/v2/enqueue', {
      body: { routing_key: 'short', event_action: 'trigger', payload: { severity: 'bad' } },
    });
    expect(status).toBe(400);
    expect(json).toEqual({
      status: 'invalid event',
      message: 'Event object is invalid',
      errors: [
        "Length of 'routing_key' is incorrect (should be 32 characters)",
        "'payload.summary' is missing or blank",
        "'payload.source' is missing or blank",
        "'payload.severity' is invalid (must be one of: critical, error, warning, info)",
      ],
    });
    expect(fake.alerts).toEqual([]);
  });

  it('rejects a resolve without dedup_key, an unknown action and a non-JSON body', async () => {
    expect((await call('POST', '/v2/enqueue', { body: { routing_key: ROUTING_KEY, event_action: 'resolve' } })).json.errors).toEqual([
      "'dedup_key' is missing or blank",
    ]);
    expect((await call('POST', '/v2/enqueue', { body: { ...trigger, event_action: 'explode' } })).status).toBe(400);
    expect((await call('POST', '/v2/enqueue', { raw: '{nope' })).json.errors).toEqual(['Event object is not valid JSON.']);
  });
});

describe('fake PagerDuty test controls', () => {
  it('failNext fails the given number of matching requests, then recovers', async () => {
    fake.failNext(/^\/incidents\/[^/]+$/, 503, 2);
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await call('GET', '/incidents/PINC001')).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect((await call('GET', '/incidents/PINC001/notes')).status).toBe(200);
  });

  it('failNext can answer with a raw, non-JSON body', async () => {
    fake.failNext('/incidents/PINC001', 502, 1, { rawBody: '<html>Bad Gateway</html>' });
    const { status, json } = await call('GET', '/incidents/PINC001');
    expect(status).toBe(502);
    expect(json).toBe('<html>Bad Gateway</html>');
  });

  it('records requests with their headers and bodies', async () => {
    await call('POST', '/incidents/PINC001/notes?x=1', { headers: { from: FROM }, body: { note: { content: 'c' } } });
    expect(fake.requests).toMatchObject([
      { method: 'POST', path: '/incidents/PINC001/notes', query: { x: '1' }, headers: { from: FROM }, body: { note: { content: 'c' } }, status: 201 },
    ]);
  });

  it('waitFor times out with a description of what the fake saw, without credentials', async () => {
    await call('GET', '/incidents/PINC001');
    const error = await fake
      .waitFor(() => fake.notes.length > 0, 50, 'a note')
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(error?.message).toContain('waitFor timed out after 50 ms for a note.');
    expect(error?.message).toContain('GET /incidents/PINC001 → 200');
    expect(error?.message).not.toContain(TOKEN);
  });

  it('stallNext holds a request until the client gives up; close() releases held ones', async () => {
    fake.stallNext('/incidents/PINC001');
    const controller = new AbortController();
    const pending = fetch(`${fake.baseUrl}/incidents/PINC001`, { headers: { authorization: `Token token=${TOKEN}` }, signal: controller.signal });
    await fake.waitFor(() => fake.requests.length === 1, 5000);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await fake.waitFor(() => fake.requests[0]?.abandoned, 5000, 'abandoned');

    fake.stallNext('/incidents/PINC001');
    const held = fetch(`${fake.baseUrl}/incidents/PINC001`, { headers: { authorization: `Token token=${TOKEN}` } });
    await fake.waitFor(() => fake.requests.length === 2, 5000);
    await fake.close();
    await expect(held).rejects.toThrow();
    fake = await startFakePagerDuty({ token: TOKEN }); // for afterEach
  });

  it('reset forgets incidents, records and pending faults', async () => {
    fake.failNext('/incidents/PINC001', 500);
    fake.reset();
    expect((await call('GET', '/incidents/PINC001')).status).toBe(404);
    expect(fake.requests).toHaveLength(1);
  });
});
