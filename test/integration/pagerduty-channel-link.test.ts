// `--incident <id>` (findIncident) and which PagerDuty incident a Slack channel belongs to, through the real adapter (pdjs) and the fake:
// the Slack integration's connections, then the open incidents of the connected services.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PagerDutyIncidentService } from '../../src/adapters/pagerduty/pagerduty-incident-service.js';
import { startFakePagerDuty, type FakePagerDuty } from '../../sandbox/pagerduty/fake-pagerduty.js';

const TOKEN = 'pd-channel-link-token-0123';
let pd: FakePagerDuty;
beforeEach(async () => {
  pd = await startFakePagerDuty({ token: TOKEN });
  pd.addSlackConnection({ workspaceId: 'T0ACME', channelId: 'C0INCIDENTS', serviceId: 'PCHECKOUT1' });
});
afterEach(() => pd.close());

const service = () => new PagerDutyIncidentService({ token: TOKEN, restUrl: pd.restUrl, appUrl: pd.baseUrl });
const find = (channel = 'C0INCIDENTS', services = ['PCHECKOUT1'], workspace = 'T0ACME') =>
  service().incidentForChannel(workspace, channel, services, AbortSignal.timeout(5_000));

describe('incidentForChannel', () => {
  it('finds the one open incident of a service connected to the channel', async () => {
    pd.addIncident({ id: 'Q1OPEN', title: 'checkout 5xx', serviceId: 'PCHECKOUT1', createdAt: '2026-11-20T10:40:00Z' });
    pd.addIncident({ id: 'Q0OLD', title: 'last week', serviceId: 'PCHECKOUT1', status: 'resolved' });
    expect(await find()).toEqual({
      id: 'Q1OPEN',
      title: 'checkout 5xx',
      url: 'https://fake.pagerduty.test/incidents/Q1OPEN',
      createdAt: '2026-11-20T10:40:00Z',
    });
    const list = pd.requestsTo('GET', '/incidents')[0]!;
    expect(list.query).toMatchObject({ 'service_ids[]': 'PCHECKOUT1', limit: '2' });
    expect(pd.requestsTo('GET', '/integration-slack/workspaces/T0ACME/connections')).toHaveLength(1);
  });

  it.each([
    ['another channel', () => find('C0ELSEWHERE')],
    ['another workspace', () => find('C0INCIDENTS', ['PCHECKOUT1'], 'T0OTHER')],
    ['a service the catalog does not map to this one', () => find('C0INCIDENTS', ['PSEARCH01'])],
  ])('finds nothing for %s', async (_name, call) => {
    pd.addIncident({ id: 'Q1OPEN', title: 'checkout 5xx', serviceId: 'PCHECKOUT1' });
    expect(await call()).toBeUndefined();
  });

  it('does not guess between two open incidents', async () => {
    pd.addIncident({ id: 'Q1OPEN', title: 'checkout 5xx', serviceId: 'PCHECKOUT1' });
    pd.addIncident({ id: 'Q2OPEN', title: 'checkout latency', serviceId: 'PCHECKOUT1', status: 'acknowledged' });
    expect(await find()).toBeUndefined();
  });

  it('a refused token is an error, not "no incident"', async () => {
    await expect(
      new PagerDutyIncidentService({ token: 'wrong', restUrl: pd.restUrl, appUrl: pd.baseUrl }).incidentForChannel(
        'T0ACME',
        'C0INCIDENTS',
        ['PCHECKOUT1'],
        AbortSignal.timeout(5_000),
      ),
    ).rejects.toThrow(/HTTP 401/);
  });
});

describe('findIncident', () => {
  it('answers the title, link and start of a named incident, and undefined for an unknown id', async () => {
    pd.addIncident({ id: 'Q1NAMED', title: 'checkout 5xx', serviceId: 'PCHECKOUT1', createdAt: '2026-11-20T10:40:00Z' });
    expect(await service().findIncident('Q1NAMED', AbortSignal.timeout(5_000))).toEqual({
      id: 'Q1NAMED',
      title: 'checkout 5xx',
      url: 'https://fake.pagerduty.test/incidents/Q1NAMED',
      createdAt: '2026-11-20T10:40:00Z',
    });
    expect(await service().findIncident('Q9NOPE', AbortSignal.timeout(5_000))).toBeUndefined();
  });
});
