// The sandbox's webhook sender against a receiver that does what POST /pagerduty/webhook must:
// verify the signature on the raw bytes, parse, answer 401 or 202. Real HTTP both ways.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ParsedPagerDutyWebhook, parsePagerDutyWebhook } from '../../src/adapters/pagerduty/webhook-event.js';
import { verifyPagerDutySignature } from '../../src/adapters/pagerduty/webhook-signature.js';
import { buildIncidentWebhook, sendWebhook, signPagerDutyWebhook } from '../../sandbox/pagerduty/webhook-sender.js';

const SECRET = 'pd-webhook-secret-abc123';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  parsed?: ParsedPagerDutyWebhook;
}

let server: Server;
let url: string;
let received: Received[];

beforeEach(async () => {
  received = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const entry: Received = { headers: req.headers };
      received.push(entry);
      const header = req.headers['x-pagerduty-signature'];
      if (!verifyPagerDutySignature(raw, typeof header === 'string' ? header : undefined, SECRET)) {
        res.writeHead(401).end();
        return;
      }
      entry.parsed = parsePagerDutyWebhook(raw);
      // The contract: 401 for a bad signature, 202 otherwise (an unusable body is logged, not retried).
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pagerduty/webhook`;
});

afterEach(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
});

const triggered = (title = 'checkout 5xx after v1.2.1') =>
  buildIncidentWebhook({
    eventId: '01HZX9K4TRIGGERED0000000001',
    type: 'incident.triggered',
    incident: { id: 'PINC001', title, serviceId: 'PABC123', serviceName: 'Checkout', urgency: 'high' },
    occurredAt: '2026-11-20T10:31:00Z',
  });

describe('PagerDuty webhook round trip', () => {
  it('delivers a signed incident.triggered that verifies and parses', async () => {
    const delivery = await sendWebhook({ url, secret: SECRET, body: triggered() });

    expect(delivery.status).toBe(202);
    expect(delivery.headers['x-pagerduty-signature']).toBe(signPagerDutyWebhook(SECRET, delivery.rawBody));
    expect(received[0]?.headers).toMatchObject({ 'user-agent': 'PagerDuty-Webhook/V3.0', 'content-type': 'application/json' });
    expect(received[0]?.headers['x-webhook-id']).toEqual(expect.any(String));
    expect(received[0]?.parsed).toEqual({
      kind: 'incident',
      id: '01HZX9K4TRIGGERED0000000001',
      type: 'incident.triggered',
      occurredAt: '2026-11-20T10:31:00.000Z',
      incident: {
        id: 'PINC001',
        title: 'checkout 5xx after v1.2.1',
        serviceId: 'PABC123',
        serviceName: 'Checkout',
        status: 'triggered',
        urgency: 'high',
        htmlUrl: 'https://acme.pagerduty.com/incidents/PINC001',
        number: 1,
      },
    });
  });

  it('verifies non-ASCII bodies byte for byte', async () => {
    const delivery = await sendWebhook({ url, secret: SECRET, body: triggered('Kasse: Zahlungsfehler ☕ — 支付失败') });
    expect(delivery.status).toBe(202);
    expect(received[0]?.parsed).toMatchObject({ incident: { title: 'Kasse: Zahlungsfehler ☕ — 支付失败' } });
  });

  it('accepts a delivery signed for several secrets during a rotation', async () => {
    const delivery = await sendWebhook({ url, secret: SECRET, body: triggered(), signature: 'rotated' });
    expect(delivery.headers['x-pagerduty-signature']?.split(',')).toHaveLength(2);
    expect(delivery.status).toBe(202);
  });

  it.each([
    ['signed with another secret', 'wrong' as const],
    ['without a signature', 'missing' as const],
    ['with a malformed signature', { header: 'v1=not-hex' }],
    ['with a signature of other bytes', { header: signPagerDutyWebhook(SECRET, '{"event":{}}') }],
  ])('answers 401 to a delivery %s, before parsing it', async (_name, signature) => {
    const delivery = await sendWebhook({ url, secret: SECRET, body: triggered(), signature });
    expect(delivery.status).toBe(401);
    expect(received[0]?.parsed).toBeUndefined();
  });

  it('signs a string body exactly as given, so a reformatted body fails', async () => {
    const raw = JSON.stringify(triggered());
    const signature = { header: signPagerDutyWebhook(SECRET, raw) };
    expect((await sendWebhook({ url, secret: SECRET, body: raw, signature })).status).toBe(202);
    const pretty = JSON.stringify(JSON.parse(raw), null, 2);
    expect((await sendWebhook({ url, secret: SECRET, body: pretty, signature })).status).toBe(401);
  });

  it('repeats the X-Webhook-Id on a redelivery, so a receiver can drop the duplicate', async () => {
    const body = triggered();
    await sendWebhook({ url, secret: SECRET, body, webhookId: 'wh-1' });
    await sendWebhook({ url, secret: SECRET, body, webhookId: 'wh-1' });
    expect(received.map((r) => r.headers['x-webhook-id'])).toEqual(['wh-1', 'wh-1']);
    expect(received.map((r) => r.parsed?.kind === 'incident' && r.parsed.id)).toEqual(['01HZX9K4TRIGGERED0000000001', '01HZX9K4TRIGGERED0000000001']);
  });

  it('delivers acknowledged and resolved events with a person as the agent', async () => {
    for (const type of ['incident.acknowledged', 'incident.resolved'] as const) {
      const body = buildIncidentWebhook({
        eventId: `evt-${type}`,
        type,
        incident: { id: 'PINC001', title: 't', serviceId: 'PABC123' },
        occurredAt: '2026-11-20T10:35:00Z',
      });
      expect(body.event.agent).toMatchObject({ type: 'user_reference' });
      expect((await sendWebhook({ url, secret: SECRET, body })).status).toBe(202);
    }
    expect(received.map((r) => r.parsed?.kind === 'incident' && r.parsed.incident.status)).toEqual(['acknowledged', 'resolved']);
  });
});
