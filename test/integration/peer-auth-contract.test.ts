// Peer authentication held to the real servers: Debian's prometheus and prometheus-alertmanager
// started with `--web.config.file` requiring basic auth (exporter-toolkit's `basic_auth_users`), and
// the emulators in sandbox/ started with `requireAuth`, answer the same way: the bot's adapters
// succeed with the right credentials, and with wrong or missing ones fail with a message that names
// the peer, says the credentials were refused and which variable to check, never the secret. Bearer
// tokens (which the real servers do not take themselves; a proxy in front of them does) are held to
// the emulators only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertmanagerError, AlertmanagerHttpClient } from '../../src/adapters/alertmanager/alertmanager-client.js';
import { runPrometheusCheck } from '../../src/adapters/health/prometheus-check.js';
import { PrometheusHttpQuerier } from '../../src/adapters/prometheus/prometheus-querier.js';
import { resolvePeerCredentials } from '../../src/config/peer-credentials.js';
import { measureDetection } from '../../src/core/detection.js';
import { silenceFor } from '../../src/core/silences/alert-silences.js';
import { startFakeAlertmanager } from '../../sandbox/alertmanager/fake-alertmanager.js';
import { startFakePrometheus } from '../../sandbox/prometheus/fake-prometheus.js';
import { makeDeployment, makeRun } from '../support/builders.js';
import { startRealPeer } from '../support/real-peer.js';
import { describeWithTool } from '../support/required-tool.js';
import { scanForSecrets } from '../support/secret-scan.js';

const USERNAME = 'smartspec';
const PASSWORD = 'correct horse battery staple';
const WRONG = 'incorrect horse battery staple';
// bcrypt of PASSWORD at cost 4 (the least bcrypt allows: this is a test, not a vault), made with
// python3 -c "import crypt; print(crypt.crypt('correct horse battery staple', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))"
const PASSWORD_BCRYPT = '$2b$04$X3fcYaPXFp09kLjFKGzTBOiJMwgUtU.v7HbdoY5OUN5ipXnkRRc9m';
const WEB_CONFIG = `basic_auth_users:\n  ${USERNAME}: ${PASSWORD_BCRYPT}\n`;
const BASIC = `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`;
const SECRETS = [
  { name: 'the password', value: PASSWORD },
  { name: 'the wrong password', value: WRONG },
  { name: 'the Authorization header', value: Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64') },
];
const signal = () => AbortSignal.timeout(10_000);

/** The adapters as bot.ts builds them: credentials resolved from an environment, through the catalog's path. */
function adapters(peer: 'Prometheus' | 'Alertmanager', url: string, password: string) {
  const credentials = resolvePeerCredentials(
    [
      {
        key: `services.checkout.${peer === 'Prometheus' ? 'detection' : 'alertmanager'}.auth`,
        peer,
        url,
        auth: { username: USERNAME, passwordEnv: 'PEER_PASSWORD' },
      },
    ],
    { PEER_PASSWORD: password },
    'smartspec.yml',
  );
  return { querier: new PrometheusHttpQuerier({ credentials }), client: new AlertmanagerHttpClient({ credentials }) };
}

const refused = (peer: string, url: string) =>
  `${peer} at ${url} refused the bot's credentials (HTTP 401): check the user name smartspec and the environment variable PEER_PASSWORD`;
const asks = (peer: string, url: string) =>
  `${peer} at ${url} asks for credentials (HTTP 401): give it auth in the catalog next to this url ({ bearerTokenEnv } or { username, passwordEnv })`;

/** What a client without credentials sees: the same from the real server and from the emulator. */
function refusesAnonymous(url: () => string, path: string): void {
  it('answers a request without credentials 401, WWW-Authenticate: Basic', async () => {
    const response = await fetch(`${url()}${path}`, { signal: signal() });
    expect([response.status, response.headers.get('www-authenticate'), (await response.text()).trim()]).toEqual([401, 'Basic', 'Unauthorized']);
  });
}

function prometheusContract(url: () => string): void {
  refusesAnonymous(url, '/api/v1/query?query=vector(1)');

  it('answers the querier with the right credentials', async () => {
    const answer = await adapters('Prometheus', url(), PASSWORD).querier.instant(url(), 'vector(1)', new Date(), signal());
    expect('series' in answer && answer.series.map((s) => s.value)).toEqual([1]);
  });

  it('refuses wrong credentials: the query fails with the peer, the refusal and the variable to check', async () => {
    const { querier } = adapters('Prometheus', url(), WRONG);
    const answer = await querier.instant(url(), 'vector(1)', new Date(), signal());
    expect(answer).toEqual({ error: refused('Prometheus', url()) });
    // Detection: unknown, never healthy.
    const report = await measureDetection(
      querier,
      {
        spec: { url: url(), queries: [{ name: 'errors', kind: 'error_rate', query: 'vector(1)', max: 2, severity: 'critical' }] },
        failed: makeDeployment({ version: 'v1.2.1' }),
        target: makeDeployment({ id: 'deploy-12300', version: 'v1.2.0' }),
        now: new Date(),
      },
      signal(),
    );
    expect(report.measurements[0]).toMatchObject({ status: 'unknown', now: { error: refused('Prometheus', url()) } });
    // Verification and gradual gates: failed, with the reason.
    const check = await runPrometheusCheck(
      { name: 'errors', url: url(), query: 'vector(1)', max: 2, samples: 1, intervalSeconds: 0.05 },
      signal(),
      querier,
    );
    expect(check).toMatchObject({ phase: 'failed', detail: `${refused('Prometheus', url())} (query: vector(1))` });
    expect(scanForSecrets([{ where: 'answers', text: JSON.stringify([answer, report, check]) }], SECRETS).findings).toEqual([]);
  });

  it('without credentials in the catalog, says the peer asks for them', async () => {
    const answer = await new PrometheusHttpQuerier().instant(url(), 'vector(1)', new Date(), signal());
    expect(answer).toEqual({ error: asks('Prometheus', url()) });
  });
}

function alertmanagerContract(url: () => string): void {
  refusesAnonymous(url, '/api/v2/silences');

  const policy = () => ({ url: url(), matchers: [{ name: 'service', value: 'checkout', isRegex: false, isEqual: true }], maxMinutes: 60 });

  it('creates, lists and expires a silence with the right credentials', async () => {
    const { client } = adapters('Alertmanager', url(), PASSWORD);
    const id = await client.createSilence(url(), silenceFor(makeRun({ id: 'rb-authorized' }), policy(), new Date(), undefined), signal());
    expect((await client.listSilences(url(), signal())).find((s) => s.id === id)?.state).toBe('active');
    await client.expireSilence(url(), id, signal());
    expect((await client.listSilences(url(), signal())).find((s) => s.id === id)?.state).toBe('expired');
  });

  it('refuses wrong credentials with an AlertmanagerError naming the peer and the variable to check', async () => {
    const { client } = adapters('Alertmanager', url(), WRONG);
    const errors = await Promise.all([
      client.createSilence(url(), silenceFor(makeRun({ id: 'rb-refused' }), policy(), new Date(), undefined), signal()).catch((e: unknown) => e),
      client.listSilences(url(), signal()).catch((e: unknown) => e),
      client.expireSilence(url(), '00000000-0000-0000-0000-000000000000', signal()).catch((e: unknown) => e),
    ]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(AlertmanagerError);
      expect(error).toMatchObject({ message: refused('Alertmanager', url()), status: 401 });
    }
    expect(scanForSecrets([{ where: 'errors', text: errors.map((e) => (e as Error).message).join('\n') }], SECRETS).findings).toEqual([]);
  });

  it('without credentials in the catalog, says the peer asks for them', async () => {
    await expect(new AlertmanagerHttpClient().listSilences(url(), signal())).rejects.toMatchObject({
      message: asks('Alertmanager', url()),
      status: 401,
    });
  });
}

describe('emulated Prometheus behind basic auth', () => {
  let prom: Awaited<ReturnType<typeof startFakePrometheus>>;
  beforeAll(async () => {
    prom = await startFakePrometheus({ requireAuth: { basic: { username: USERNAME, password: PASSWORD } } });
    prom.set('vector(1)', [1]);
  });
  afterAll(() => prom.close());
  prometheusContract(() => prom.url);
});

describe('emulated Alertmanager behind basic auth', () => {
  let am: Awaited<ReturnType<typeof startFakeAlertmanager>>;
  beforeAll(async () => {
    am = await startFakeAlertmanager({ requireAuth: { basic: { username: USERNAME, password: PASSWORD } } });
  });
  afterAll(() => am.close());
  alertmanagerContract(() => am.url);
});

describe('emulated peers behind a bearer token proxy', () => {
  const TOKEN = 'prometheus-token-0123456789abcdef';
  let prom: Awaited<ReturnType<typeof startFakePrometheus>>;
  let am: Awaited<ReturnType<typeof startFakeAlertmanager>>;
  beforeAll(async () => {
    prom = await startFakePrometheus({ requireAuth: { bearer: TOKEN } });
    prom.set('vector(1)', [1]);
    am = await startFakeAlertmanager({ requireAuth: { bearer: TOKEN } });
  });
  afterAll(async () => {
    await prom.close();
    await am.close();
  });
  const withToken = (token: string) =>
    resolvePeerCredentials(
      [
        { key: 'services.checkout.detection.auth', peer: 'Prometheus', url: prom.url, auth: { bearerTokenEnv: 'PROMETHEUS_TOKEN' } },
        { key: 'services.checkout.alertmanager.auth', peer: 'Alertmanager', url: am.url, auth: { bearerTokenEnv: 'PROMETHEUS_TOKEN' } },
      ],
      { PROMETHEUS_TOKEN: token },
      'smartspec.yml',
    );

  it('sends Authorization: Bearer and is answered', async () => {
    const credentials = withToken(TOKEN);
    const answer = await new PrometheusHttpQuerier({ credentials }).instant(prom.url, 'vector(1)', new Date(), signal());
    expect('series' in answer && answer.series.map((s) => s.value)).toEqual([1]);
    expect(await new AlertmanagerHttpClient({ credentials }).listSilences(am.url, signal())).toEqual([]);
  });

  it('a wrong token: 401 with WWW-Authenticate: Bearer, and the message names the variable, not the token', async () => {
    const credentials = withToken('wrong-token-0123456789abcdefghij');
    const answer = await new PrometheusHttpQuerier({ credentials }).instant(prom.url, 'vector(1)', new Date(), signal());
    expect(answer).toEqual({
      error: `Prometheus at ${prom.url} refused the bot's credentials (HTTP 401): check the environment variable PROMETHEUS_TOKEN`,
    });
    await expect(new AlertmanagerHttpClient({ credentials }).listSilences(am.url, signal())).rejects.toMatchObject({
      message: `Alertmanager at ${am.url} refused the bot's credentials (HTTP 401): check the environment variable PROMETHEUS_TOKEN`,
    });
    expect((await fetch(`${prom.url}/api/v1/query?query=up`, { signal: signal() })).headers.get('www-authenticate')).toBe('Bearer');
    expect(am.requests.at(-1)).toMatchObject({ method: 'GET', path: '/api/v2/silences', status: 401 });
  });
});

describeWithTool({ command: 'prometheus', debianPackage: 'prometheus' }, 'real Prometheus behind basic auth (Debian prometheus)', (binary) => {
  let url = '';
  let stop: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    const real = await startRealPeer({
      binary,
      files: { 'prometheus.yml': 'global:\n  scrape_interval: 1m\n', 'web.yml': WEB_CONFIG },
      args: (dir, port) => [
        `--config.file=${dir}/prometheus.yml`,
        `--storage.tsdb.path=${dir}/data`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--web.config.file=${dir}/web.yml`,
        '--log.level=warn',
      ],
      readyPath: '/-/ready',
      readyHeaders: { authorization: BASIC },
    });
    url = real.url;
    stop = real.stop;
  }, 60_000);
  afterAll(() => stop());
  prometheusContract(() => url);
});

describeWithTool(
  { command: 'prometheus-alertmanager', debianPackage: 'prometheus-alertmanager' },
  'real Alertmanager behind basic auth (Debian prometheus-alertmanager)',
  (binary) => {
    let url = '';
    let stop: () => Promise<void> = async () => undefined;
    beforeAll(async () => {
      const real = await startRealPeer({
        binary,
        files: { 'alertmanager.yml': 'route:\n  receiver: quiet\nreceivers:\n  - name: quiet\n', 'web.yml': WEB_CONFIG },
        args: (dir, port) => [
          `--config.file=${dir}/alertmanager.yml`,
          `--storage.path=${dir}/data`,
          `--web.listen-address=127.0.0.1:${port}`,
          `--web.config.file=${dir}/web.yml`,
          '--cluster.listen-address=',
          '--log.level=warn',
        ],
        readyPath: '/-/ready',
        readyHeaders: { authorization: BASIC },
      });
      url = real.url;
      stop = real.stop;
    }, 60_000);
    afterAll(() => stop());
    alertmanagerContract(() => url);
  },
);
