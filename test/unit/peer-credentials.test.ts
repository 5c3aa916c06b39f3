// The catalog's auth blocks resolved from the environment at start: the Authorization header each
// peer gets, and each variable that is missing, empty or unusable refused with the catalog key and
// the variable's name, never its value.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { type PeerAuthUse, resolvePeerCredentials } from '../../src/config/peer-credentials.js';
import { scanForSecrets } from '../support/secret-scan.js';

const PROMETHEUS = 'http://prometheus.monitoring:9090';
const ALERTMANAGER = 'http://alertmanager.monitoring:9093';
const TOKEN = 'prom-token-0123456789abcdefghijklmnop';
const PASSWORD = 'am-password-0123456789abcdefghijklmn';
const SECRETS = [
  { name: 'PROMETHEUS_TOKEN', value: TOKEN },
  { name: 'ALERTMANAGER_PASSWORD', value: PASSWORD },
];

const bearer: PeerAuthUse = {
  key: 'services.checkout.detection.auth',
  peer: 'Prometheus',
  url: PROMETHEUS,
  auth: { bearerTokenEnv: 'PROMETHEUS_TOKEN' },
};
const basic: PeerAuthUse = {
  key: 'services.checkout.alertmanager.auth',
  peer: 'Alertmanager',
  url: ALERTMANAGER,
  auth: { username: 'smartspec', passwordEnv: 'ALERTMANAGER_PASSWORD' },
};

function refusal(uses: PeerAuthUse[], env: Record<string, string | undefined>): ConfigError {
  try {
    resolvePeerCredentials(uses, env, 'smartspec.yml');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the credentials were accepted');
}

describe('resolving peer credentials', () => {
  it('gives each peer its Authorization header, found by its URL with or without the trailing slash', () => {
    const credentials = resolvePeerCredentials([bearer, basic], { PROMETHEUS_TOKEN: TOKEN, ALERTMANAGER_PASSWORD: PASSWORD }, 'smartspec.yml');
    expect(credentials.for(`${PROMETHEUS}/`)?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(credentials.for(ALERTMANAGER)?.authorization).toBe(`Basic ${Buffer.from(`smartspec:${PASSWORD}`).toString('base64')}`);
    expect(credentials.for('http://other:9090')).toBeUndefined();
    expect(credentials.for(PROMETHEUS)?.check).toBe('the environment variable PROMETHEUS_TOKEN');
    expect(credentials.for(ALERTMANAGER)?.check).toBe('the user name smartspec and the environment variable ALERTMANAGER_PASSWORD');
  });

  it('shows only the peers when logged, serialized or inspected', () => {
    const credentials = resolvePeerCredentials([bearer, basic], { PROMETHEUS_TOKEN: TOKEN, ALERTMANAGER_PASSWORD: PASSWORD }, 'smartspec.yml');
    const texts = [
      { where: 'JSON', text: JSON.stringify({ credentials }) },
      { where: 'inspect', text: inspect(credentials, { depth: 5, showHidden: true }) },
      { where: 'String', text: String(credentials) },
    ];
    expect(scanForSecrets(texts, SECRETS).findings).toEqual([]);
    expect(JSON.stringify(credentials)).toBe(`{"peers":["${PROMETHEUS}/","${ALERTMANAGER}/"]}`);
  });

  it.each([
    [
      'a bearer token variable that is not set',
      [bearer],
      {},
      'smartspec.yml: services.checkout.detection.auth.bearerTokenEnv: names PROMETHEUS_TOKEN, which is not set (or is empty): set it to the bearer token for Prometheus at http://prometheus.monitoring:9090',
    ],
    [
      'a password variable that is empty',
      [basic],
      { ALERTMANAGER_PASSWORD: '' },
      'smartspec.yml: services.checkout.alertmanager.auth.passwordEnv: names ALERTMANAGER_PASSWORD, which is not set (or is empty): set it to the password of smartspec for Alertmanager at http://alertmanager.monitoring:9093',
    ],
    [
      'a token with a trailing newline',
      [bearer],
      { PROMETHEUS_TOKEN: `${TOKEN}\n` },
      "smartspec.yml: services.checkout.detection.auth.bearerTokenEnv: PROMETHEUS_TOKEN holds a space, a line break or a character an HTTP header cannot carry: set it to the token alone (a file's trailing newline counts)",
    ],
    [
      'two credentials for one peer',
      [bearer, { ...bearer, key: 'services.billing.detection.auth', url: `${PROMETHEUS}/`, auth: { bearerTokenEnv: 'BILLING_PROMETHEUS_TOKEN' } }],
      { PROMETHEUS_TOKEN: TOKEN, BILLING_PROMETHEUS_TOKEN: `${TOKEN}-other` },
      'smartspec.yml: services.billing.detection.auth: gives Prometheus at http://prometheus.monitoring:9090/ other credentials than services.checkout.detection.auth: one peer URL is called with one credential, so make them the same',
    ],
    [
      'both variables missing (one line each)',
      [bearer, basic],
      {},
      [
        'smartspec.yml: services.checkout.detection.auth.bearerTokenEnv: names PROMETHEUS_TOKEN, which is not set (or is empty): set it to the bearer token for Prometheus at http://prometheus.monitoring:9090',
        'smartspec.yml: services.checkout.alertmanager.auth.passwordEnv: names ALERTMANAGER_PASSWORD, which is not set (or is empty): set it to the password of smartspec for Alertmanager at http://alertmanager.monitoring:9093',
      ].join('\n'),
    ],
  ])('refuses %s, exit 2', (_case, uses, env, message) => {
    const error = refusal(uses, env);
    expect(error.message).toBe(message);
    expect(error.exitCode).toBe(2);
    expect(scanForSecrets([{ where: 'message', text: error.message }], SECRETS).findings).toEqual([]);
  });

  it('two uses of one peer naming different variables that hold the same secret are one credential', () => {
    const again: PeerAuthUse = { ...bearer, key: 'services.checkout.verification.prometheus.0.auth', auth: { bearerTokenEnv: 'VERIFY_TOKEN' } };
    const credentials = resolvePeerCredentials([bearer, again], { PROMETHEUS_TOKEN: TOKEN, VERIFY_TOKEN: TOKEN }, 'smartspec.yml');
    expect(credentials.size).toBe(1);
  });
});
