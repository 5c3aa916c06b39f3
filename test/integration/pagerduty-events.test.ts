// triggerAlert (Events API v2) over real HTTP against the fake PagerDuty.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncidentAlert } from '../../src/core/ports.js';
import { PagerDutyError } from '../../src/adapters/pagerduty/pagerduty-error.js';
import { PagerDutyIncidentService, type PagerDutyIncidentServiceOptions } from '../../src/adapters/pagerduty/pagerduty-incident-service.js';
import { type FakePagerDuty, startFakePagerDuty } from '../../sandbox/pagerduty/fake-pagerduty.js';

const TOKEN = 'pd-REST-token-for-events-test';
const ROUTING_KEY = 'R0123456789abcdef0123456789abcde'; // 32 characters, like an integration key
const ENQUEUE = '/v2/enqueue';

let fake: FakePagerDuty;

function service(overrides: Partial<PagerDutyIncidentServiceOptions> = {}): PagerDutyIncidentService {
  return new PagerDutyIncidentService({
    token: TOKEN,
    from: 'bot@example.com',
    restUrl: fake.restUrl,
    eventsUrl: fake.eventsUrl,
    eventRetryDelaysMs: [10, 10],
    ...overrides,
  });
}

function alert(overrides: Partial<IncidentAlert> = {}): IncidentAlert {
  return {
    routingKey: ROUTING_KEY,
    summary: 'Rollback of checkout to v1.2.0 failed: manual intervention required',
    source: 'smartspec-rollback/checkout',
    severity: 'critical',
    dedupKey: 'smartspec-run-42',
    details: { runId: 'run-42', service: 'checkout', fromVersion: 'v1.2.1', toVersion: 'v1.2.0' },
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<PagerDutyError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PagerDutyError);
    return error as PagerDutyError;
  }
  throw new Error('expected triggerAlert to fail');
}

beforeEach(async () => {
  fake = await startFakePagerDuty({ token: TOKEN });
});

afterEach(async () => {
  await fake.close();
});

describe('triggerAlert', () => {
  it('enqueues a trigger with routing key, dedup key, severity, source and custom details', async () => {
    await service().triggerAlert(alert(), AbortSignal.timeout(5000));

    expect(fake.alerts).toMatchObject([
      {
        routingKey: ROUTING_KEY,
        eventAction: 'trigger',
        dedupKey: 'smartspec-run-42',
        summary: 'Rollback of checkout to v1.2.0 failed: manual intervention required',
        source: 'smartspec-rollback/checkout',
        severity: 'critical',
        customDetails: { runId: 'run-42', service: 'checkout', fromVersion: 'v1.2.1', toVersion: 'v1.2.0' },
      },
    ]);
    const [req] = fake.requestsTo('POST', ENQUEUE);
    expect(req?.status).toBe(202);
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.body).toMatchObject({ client: 'smartspec-rollback' });
  });

  it('never sends the REST API token to the Events API (it authenticates by routing key)', async () => {
    await service().triggerAlert(alert(), AbortSignal.timeout(5000));
    const [req] = fake.requestsTo('POST', ENQUEUE);
    expect(req?.headers.authorization).toBeUndefined();
    expect(JSON.stringify(req)).not.toContain(TOKEN);
  });

  it("shortens a summary past PagerDuty's 1024 characters instead of losing the alert", async () => {
    await service().triggerAlert(alert({ summary: 'x'.repeat(3000) }), AbortSignal.timeout(5000));
    expect(fake.alerts[0]?.summary).toHaveLength(1024);
    expect(fake.alerts[0]?.summary?.endsWith('…')).toBe(true);
  });

  it("surfaces PagerDuty's validation errors without the routing key, and does not retry a 400", async () => {
    const badKey = 'not-an-integration-key';
    const error = await failure(service().triggerAlert(alert({ routingKey: badKey }), AbortSignal.timeout(5000)));
    expect(error).toMatchObject({ kind: 'http', status: 400 });
    expect(error.message).toBe(
      "PagerDuty Events API POST /v2/enqueue failed: HTTP 400 Event object is invalid (Length of 'routing_key' is incorrect (should be 32 characters)).",
    );
    expect(fake.requestsTo('POST', ENQUEUE)).toHaveLength(1);
    expect(fake.alerts).toEqual([]);
  });

  it('redacts the routing key when an error body echoes it', async () => {
    fake.failNext(ENQUEUE, 400, 1, { body: { status: 'invalid event', message: `Unknown routing key ${ROUTING_KEY}` } });
    const error = await failure(service().triggerAlert(alert(), AbortSignal.timeout(5000)));
    expect(error.message).toContain('Unknown routing key [redacted]');
    expect(`${error.message} ${error.stack}`).not.toContain(ROUTING_KEY);
  });

  it('retries a 500 with the same dedup key, so PagerDuty keeps one alert', async () => {
    fake.failNext(ENQUEUE, 500);
    await service().triggerAlert(alert(), AbortSignal.timeout(5000));
    expect(fake.requestsTo('POST', ENQUEUE).map((r) => r.status)).toEqual([500, 202]);
    expect(fake.requestsTo('POST', ENQUEUE).map((r) => (r.body as { dedup_key: string }).dedup_key)).toEqual([
      'smartspec-run-42',
      'smartspec-run-42',
    ]);
    expect(fake.alerts).toHaveLength(1);
  });

  it('surfaces a persistent 429 after the configured retries', async () => {
    fake.failNext(ENQUEUE, 429, 10);
    const error = await failure(service().triggerAlert(alert(), AbortSignal.timeout(5000)));
    expect(error).toMatchObject({ kind: 'http', status: 429 });
    expect(error.message).toContain('PagerDuty is rate limiting this client.');
    expect(fake.requestsTo('POST', ENQUEUE)).toHaveLength(3);
  });

  it('surfaces a 500 at once when retries are switched off', async () => {
    fake.failNext(ENQUEUE, 500);
    const error = await failure(service({ eventRetryDelaysMs: [] }).triggerAlert(alert(), AbortSignal.timeout(5000)));
    expect(error).toMatchObject({ kind: 'http', status: 500 });
    expect(fake.alerts).toEqual([]);
  });

  it('reports an unreachable Events API as a network error', async () => {
    const eventsUrl = fake.eventsUrl;
    await fake.close();
    const error = await failure(service({ eventsUrl }).triggerAlert(alert(), AbortSignal.timeout(5000)));
    expect(error).toMatchObject({ kind: 'network' });
    expect(error.message).toMatch(/^PagerDuty Events API POST \/v2\/enqueue failed: fetch failed: .*ECONNREFUSED/);
    fake = await startFakePagerDuty({ token: TOKEN }); // for afterEach
  });

  it('stops waiting between retries as soon as the signal fires', async () => {
    fake.failNext(ENQUEUE, 503, 10);
    const controller = new AbortController();
    const started = Date.now();
    const pending = service({ eventRetryDelaysMs: [60_000] }).triggerAlert(alert(), controller.signal);
    await fake.waitFor(() => fake.requestsTo('POST', ENQUEUE)[0]?.status === 503, 5000, 'the first attempt');
    controller.abort();
    const error = await failure(pending);
    expect(error).toMatchObject({ kind: 'aborted' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(fake.requestsTo('POST', ENQUEUE)).toHaveLength(1);
  });

  it('aborts a request PagerDuty does not answer', async () => {
    fake.stallNext(ENQUEUE);
    const controller = new AbortController();
    const pending = service().triggerAlert(alert(), controller.signal);
    await fake.waitFor(() => fake.requestsTo('POST', ENQUEUE).length === 1, 5000, 'the alert request');
    controller.abort(new Error('deadline'));
    const error = await failure(pending);
    expect(error.message).toBe('PagerDuty Events API POST /v2/enqueue was aborted: deadline.');
    await fake.waitFor(() => fake.requestsTo('POST', ENQUEUE)[0]?.abandoned, 5000, 'the connection to close');
  });
});
