// PagerDutyIncidentService (pdjs underneath) over real HTTP against the fake PagerDuty.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PagerDutyError } from '../../src/adapters/pagerduty/pagerduty-error.js';
import { PagerDutyIncidentService, type PagerDutyIncidentServiceOptions } from '../../src/adapters/pagerduty/pagerduty-incident-service.js';
import { type FakePagerDuty, startFakePagerDuty } from '../../sandbox/pagerduty/fake-pagerduty.js';

const TOKEN = 'u+pd-REST-token-7f3a9c';
const FROM = 'rollback-bot@example.com';
const NOW = Date.parse('2026-11-20T10:40:00Z');
const NOTES = /^\/incidents\/PINC001\/notes$/;
const LOG = /^\/incidents\/PINC001\/log_entries$/;

let fake: FakePagerDuty;

function service(overrides: Partial<PagerDutyIncidentServiceOptions> = {}): PagerDutyIncidentService {
  return new PagerDutyIncidentService({ token: TOKEN, from: FROM, restUrl: fake.restUrl, eventsUrl: fake.eventsUrl, ...overrides });
}

const signal = () => AbortSignal.timeout(5000);

async function failure(promise: Promise<unknown>): Promise<PagerDutyError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PagerDutyError);
    return error as PagerDutyError;
  }
  throw new Error('expected the PagerDuty call to fail');
}

function expectNoToken(error: Error): void {
  for (const text of [error.message, String(error), error.stack ?? '', JSON.stringify(error)]) {
    expect(text).not.toContain(TOKEN);
  }
}

beforeEach(async () => {
  fake = await startFakePagerDuty({ token: TOKEN, from: FROM, now: () => NOW });
  fake.addIncident({
    id: 'PINC001',
    title: 'checkout 5xx after v1.2.1',
    serviceId: 'PABC123',
    status: 'triggered',
    createdAt: '2026-11-20T10:31:00Z',
  });
});

afterEach(async () => {
  await fake.close();
});

describe('addNote', () => {
  it('posts {note:{content}} with the From, Authorization and Accept headers PagerDuty requires', async () => {
    await service().addNote('PINC001', 'Rolled back checkout to v1.2.0; verification passed.', signal());

    expect(fake.notes).toMatchObject([{ incidentId: 'PINC001', content: 'Rolled back checkout to v1.2.0; verification passed.', from: FROM }]);
    const [req] = fake.requestsTo('POST', NOTES);
    expect(req?.headers).toMatchObject({
      from: FROM,
      authorization: `Token token=${TOKEN}`,
      accept: 'application/vnd.pagerduty+json;version=2',
      'content-type': 'application/json; charset=utf-8',
    });
    expect(req?.body).toEqual({ note: { content: 'Rolled back checkout to v1.2.0; verification passed.' } });
  });

  it('escapes the incident id into the path', async () => {
    const error = await failure(service().addNote('../PINC001', 'x', signal()));
    expect(fake.requests[0]?.path).toBe('/incidents/..%2FPINC001/notes');
    expect(error).toMatchObject({ kind: 'http', status: 404 });
  });

  it("surfaces PagerDuty's answer when no From is configured, and no note is written", async () => {
    const error = await failure(service({ from: undefined }).addNote('PINC001', 'hello', signal()));
    expect(error).toMatchObject({ kind: 'http', status: 400, code: 2016 });
    expect(error.message).toBe(
      'PagerDuty POST /incidents/PINC001/notes failed: HTTP 400 You must specify a user\'s email address in the "From" header to perform this action [code 2016].',
    );
    expect(fake.requestsTo('POST', NOTES)[0]?.headers.from).toBeUndefined();
    expect(fake.notes).toEqual([]);
  });

  it('surfaces a From that is not a PagerDuty user', async () => {
    const error = await failure(service({ from: 'someone-else@example.com' }).addNote('PINC001', 'hello', signal()));
    expect(error).toMatchObject({ status: 400, code: 1008 });
    expect(error.message).toContain('Requester User Not Found');
  });

  it('reports an unknown incident as a 404', async () => {
    const error = await failure(service().addNote('PNOPE99', 'hello', signal()));
    expect(error).toMatchObject({ kind: 'http', status: 404, code: 5001 });
  });
});

describe('timeline', () => {
  it('maps log entries to IncidentLogEntry, oldest first, including notes added through the API', async () => {
    fake.addLogEntry('PINC001', { type: 'acknowledge_log_entry', summary: 'Acknowledged by Ana.', createdAt: '2026-11-20T10:33:10Z', agent: 'Ana' });
    await service().addNote('PINC001', 'Rollback started', signal());
    fake.addLogEntry('PINC001', { type: 'resolve_log_entry', summary: '  ', createdAt: '2026-11-20T10:45:00+00:00' });

    const timeline = await service().timeline('PINC001', signal());

    expect(timeline).toEqual([
      { at: '2026-11-20T10:31:00.000Z', type: 'trigger_log_entry', summary: 'Triggered through the API.' },
      { at: '2026-11-20T10:33:10.000Z', type: 'acknowledge_log_entry', summary: 'Acknowledged by Ana.' },
      { at: '2026-11-20T10:40:00.000Z', type: 'annotate_log_entry', summary: 'Note added' },
      // A blank summary falls back to the type, so the report never shows an empty line.
      { at: '2026-11-20T10:45:00.000Z', type: 'resolve_log_entry', summary: 'resolve_log_entry' },
    ]);
    expect(fake.requestsTo('GET', LOG)[0]?.query).toEqual({ limit: '100', offset: '0' });
  });

  it('follows offset pagination and stops at the page bound', async () => {
    const base = Date.parse('2026-11-20T11:00:00Z');
    for (let i = 0; i < 229; i += 1) {
      fake.addLogEntry('PINC001', { type: 'notify_log_entry', summary: `Notified #${i}`, createdAt: new Date(base + i * 1000).toISOString() });
    }
    const all = await service().timeline('PINC001', signal());
    expect(all).toHaveLength(230);
    expect(all.map((e) => e.at)).toEqual([...all.map((e) => e.at)].sort());
    expect(fake.requestsTo('GET', LOG).map((r) => r.query.offset)).toEqual(['0', '100', '200']);

    const bounded = await service({ maxLogEntryPages: 2 }).timeline('PINC001', signal());
    expect(bounded).toHaveLength(200);
  });

  it('skips a log entry it cannot read rather than losing the whole timeline', async () => {
    fake.addLogEntry('PINC001', { type: 'odd_log_entry', summary: 'no usable time', createdAt: 'sometime' });
    const timeline = await service().timeline('PINC001', signal());
    expect(timeline.map((e) => e.type)).toEqual(['trigger_log_entry']);
  });

  it('rejects a 2xx body without log_entries as an invalid response', async () => {
    fake.failNext(LOG, 200, 1, { body: { something: 'else' } });
    const error = await failure(service().timeline('PINC001', signal()));
    expect(error).toMatchObject({ kind: 'invalid_response' });
    expect(error.message).toBe('PagerDuty GET /incidents/PINC001/log_entries returned an unexpected body: log_entries is missing or not a list.');
  });
});

describe('getIncident', () => {
  it('reads the incident', async () => {
    expect(await service().getIncident('PINC001', signal())).toEqual({
      id: 'PINC001',
      title: 'checkout 5xx after v1.2.1',
      status: 'triggered',
      serviceId: 'PABC123',
      urgency: 'high',
      htmlUrl: 'https://fake.pagerduty.test/incidents/PINC001',
    });
  });
});

describe('failures', () => {
  it('turns a 401 for a wrong token into a clear error that does not contain the token', async () => {
    const wrong = new PagerDutyIncidentService({ token: `${TOKEN}-revoked`, from: FROM, restUrl: fake.restUrl });
    const error = await failure(wrong.addNote('PINC001', 'x', signal()));
    expect(error).toMatchObject({ kind: 'http', status: 401, code: 2006 });
    expect(error.message).toBe(
      'PagerDuty POST /incidents/PINC001/notes failed: HTTP 401 Authentication failed [code 2006]. Check PAGERDUTY_TOKEN: PagerDuty did not accept it.',
    );
    expectNoToken(error);
    expect(fake.notes).toEqual([]);
  });

  it('redacts the token even when an error body echoes it', async () => {
    fake.failNext(NOTES, 400, 1, { body: { error: { message: `Bad header Authorization: Token token=${TOKEN}`, code: 2001 } } });
    const error = await failure(service().addNote('PINC001', 'x', signal()));
    expect(error.message).toContain('Token token=[redacted]');
    expectNoToken(error);
  });

  it('surfaces a 500 and does not retry a note (a retry could post it twice)', async () => {
    fake.failNext(NOTES, 500);
    const error = await failure(service().addNote('PINC001', 'x', signal()));
    expect(error).toMatchObject({ kind: 'http', status: 500, code: 2000 });
    expect(error.message).toContain('HTTP 500 An internal error has occurred');
    expect(fake.requestsTo('POST', NOTES)).toHaveLength(1);
    expect(fake.notes).toEqual([]);

    await service().addNote('PINC001', 'x', signal());
    expect(fake.notes).toHaveLength(1);
  });

  it("surfaces a proxy's non-JSON error page (pdjs rejects with the Response, not an Error)", async () => {
    fake.failNext(LOG, 502, 1, { rawBody: '<html><body>Bad Gateway</body></html>' });
    const error = await failure(service().timeline('PINC001', signal()));
    expect(error).toMatchObject({ kind: 'http', status: 502 });
    expect(error.message).toBe('PagerDuty GET /incidents/PINC001/log_entries failed: HTTP 502 with a body that is not JSON.');
  });

  it('trusts a 2xx status over a body that is not JSON', async () => {
    fake.failNext(NOTES, 201, 1, { rawBody: 'Created' });
    await expect(service().addNote('PINC001', 'x', signal())).resolves.toBeUndefined();

    fake.failNext(LOG, 200, 1, { rawBody: '<html>maintenance</html>' });
    const error = await failure(service().timeline('PINC001', signal()));
    expect(error).toMatchObject({ kind: 'invalid_response' });
  });

  it('lets pdjs retry a 429 and succeeds when the limit clears', async () => {
    fake.failNext(LOG, 429, 2);
    const timeline = await service({ rateLimitRetryMs: 10 }).timeline('PINC001', signal());
    expect(timeline).toHaveLength(1);
    expect(fake.requestsTo('GET', LOG).map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it("gives up after pdjs's three 429 retries with a clear error", async () => {
    fake.failNext(LOG, 429, 10);
    const error = await failure(service({ rateLimitRetryMs: 10 }).timeline('PINC001', signal()));
    expect(error).toMatchObject({ kind: 'http', status: 429, code: 2020 });
    expect(error.message).toContain('PagerDuty is rate limiting this client.');
    expect(fake.requestsTo('GET', LOG)).toHaveLength(4);
  });

  it('reports an unreachable PagerDuty as a network error', async () => {
    const restUrl = fake.restUrl;
    await fake.close();
    const error = await failure(service({ restUrl }).addNote('PINC001', 'x', signal()));
    expect(error).toMatchObject({ kind: 'network' });
    expect(error.message).toMatch(/^PagerDuty POST \/incidents\/PINC001\/notes failed: .*ECONNREFUSED/);
    expectNoToken(error);
    fake = await startFakePagerDuty({ token: TOKEN }); // for afterEach
  });
});

describe('cancellation', () => {
  it("aborts an unanswered request when the caller's signal fires, and closes the connection", async () => {
    fake.stallNext(NOTES);
    const controller = new AbortController();
    const pending = service().addNote('PINC001', 'x', controller.signal);
    await fake.waitFor(() => fake.requestsTo('POST', NOTES).length === 1, 5000, 'the note request');

    controller.abort(new Error('shutting down'));
    const error = await failure(pending);

    expect(error).toMatchObject({ kind: 'aborted' });
    expect(error.message).toBe('PagerDuty POST /incidents/PINC001/notes was aborted: shutting down.');
    await fake.waitFor(() => fake.requestsTo('POST', NOTES)[0]?.abandoned, 5000, 'the client to drop the connection');
    expect(fake.notes).toEqual([]);
  });

  it('does not send anything when the signal has already fired', async () => {
    const error = await failure(service().timeline('PINC001', AbortSignal.abort()));
    expect(error).toMatchObject({ kind: 'aborted' });
    expect(fake.requests).toEqual([]);
  });

  it('answers an abort at once even while pdjs sleeps between 429 retries', async () => {
    fake.failNext(LOG, 429, 10);
    const controller = new AbortController();
    const started = Date.now();
    // pdjs's sleep cannot be cancelled; a short one keeps this test file from lingering after it.
    const pending = service({ rateLimitRetryMs: 1500 }).timeline('PINC001', controller.signal);
    await fake.waitFor(() => fake.requestsTo('GET', LOG).length === 1, 5000, 'the first attempt');
    controller.abort();
    const error = await failure(pending);
    expect(error).toMatchObject({ kind: 'aborted' });
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
