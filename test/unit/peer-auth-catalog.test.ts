// The catalog's `auth` next to each Prometheus and Alertmanager url: environment variable names only,
// exactly one kind, and each bad block refused with a message that says what to write instead.
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/config/catalog.js';

const SERVICE = (extra: string) => `
services:
  checkout:
    command: { rollback: ["./rollback.sh", "{version}"] }
    approvals: { approvers: [U0APPROVER] }
${extra}
`;

const detection = (auth: string) =>
  SERVICE(`    detection:
      url: http://prometheus.monitoring:9090
      auth: ${auth}
      queries: [{ name: errors, kind: error_rate, query: "up", max: 1, severity: high }]`);
const alertmanager = (auth: string) =>
  SERVICE(`    alertmanager:
      url: http://alertmanager.monitoring:9093
      auth: ${auth}
      matchers: [{ name: service, value: checkout }]`);
const verification = (auth: string) =>
  SERVICE(`    verification:
      prometheus: [{ name: errors, url: "http://prometheus.monitoring:9090", query: "up", min: 1, auth: ${auth} }]`);

function refusal(text: string): string {
  try {
    parseCatalog(text, 'smartspec.yml');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the catalog was accepted');
}

describe('catalog auth blocks', () => {
  it('accepts a bearer token variable and basic auth, and keeps them out of the service the bot hands around', () => {
    const catalog = parseCatalog(
      SERVICE(`    detection:
      url: http://prometheus.monitoring:9090
      auth: { bearerTokenEnv: PROMETHEUS_TOKEN }
      queries: [{ name: errors, kind: error_rate, query: "up", max: 1, severity: high }]
    alertmanager:
      url: http://alertmanager.monitoring:9093
      auth: { username: smartspec, passwordEnv: ALERTMANAGER_PASSWORD }
      matchers: [{ name: service, value: checkout }]
    verification:
      prometheus: [{ name: errors, url: "http://prometheus.monitoring:9090", query: "up", min: 1, auth: { bearerTokenEnv: PROMETHEUS_TOKEN } }]`),
      'smartspec.yml',
    );
    expect(catalog.peerAuth).toEqual([
      {
        key: 'services.checkout.detection.auth',
        peer: 'Prometheus',
        url: 'http://prometheus.monitoring:9090',
        auth: { bearerTokenEnv: 'PROMETHEUS_TOKEN' },
      },
      {
        key: 'services.checkout.verification.prometheus.0.auth',
        peer: 'Prometheus',
        url: 'http://prometheus.monitoring:9090',
        auth: { bearerTokenEnv: 'PROMETHEUS_TOKEN' },
      },
      {
        key: 'services.checkout.alertmanager.auth',
        peer: 'Alertmanager',
        url: 'http://alertmanager.monitoring:9093',
        auth: { username: 'smartspec', passwordEnv: 'ALERTMANAGER_PASSWORD' },
      },
    ]);
    const service = catalog.services.get('checkout')!;
    expect(service.detection).not.toHaveProperty('auth');
    expect(service.alertmanager).not.toHaveProperty('auth');
    expect(service.verification.prometheus[0]).not.toHaveProperty('auth');
    expect(JSON.stringify([...catalog.services.values()])).not.toContain('PROMETHEUS_TOKEN');
  });

  it('a catalog without auth has no auth blocks to resolve', () => {
    expect(parseCatalog(SERVICE(''), 'smartspec.yml').peerAuth).toEqual([]);
  });

  it.each([
    [
      'both kinds',
      detection('{ bearerTokenEnv: PROMETHEUS_TOKEN, username: smartspec, passwordEnv: PROMETHEUS_PASSWORD }'),
      'smartspec.yml: services.checkout.detection.auth: must be either { bearerTokenEnv } or { username, passwordEnv }, not both',
    ],
    [
      'neither kind',
      detection('{}'),
      'smartspec.yml: services.checkout.detection.auth: must be { bearerTokenEnv: PROMETHEUS_TOKEN } or { username: smartspec, passwordEnv: ALERTMANAGER_PASSWORD }',
    ],
    [
      'a username without passwordEnv',
      alertmanager('{ username: smartspec }'),
      'smartspec.yml: services.checkout.alertmanager.auth.passwordEnv: is required with username: the environment variable that holds the password',
    ],
    [
      'a passwordEnv without username',
      alertmanager('{ passwordEnv: ALERTMANAGER_PASSWORD }'),
      'smartspec.yml: services.checkout.alertmanager.auth.username: is required with passwordEnv: basic auth needs a user name',
    ],
    [
      'a secret where the variable name goes',
      detection('{ bearerTokenEnv: "eyJhbGciOi.secret-token" }'),
      'smartspec.yml: services.checkout.detection.auth.bearerTokenEnv: must be the name of an environment variable such as PROMETHEUS_TOKEN (A–Z, 0–9 and _), never the secret itself',
    ],
    [
      'a lower-case variable name',
      verification('{ bearerTokenEnv: prometheus_token }'),
      'smartspec.yml: services.checkout.verification.prometheus.0.auth.bearerTokenEnv: must be the name of an environment variable such as PROMETHEUS_TOKEN (A–Z, 0–9 and _), never the secret itself',
    ],
    [
      'a user name with a colon',
      alertmanager('{ username: "smart:spec", passwordEnv: ALERTMANAGER_PASSWORD }'),
      'smartspec.yml: services.checkout.alertmanager.auth.username: must be a user name without a colon or spaces (basic auth puts a colon after it)',
    ],
    [
      'an inline password (unknown key)',
      alertmanager('{ username: smartspec, password: hunter2 }'),
      [
        'smartspec.yml: services.checkout.alertmanager.auth: Unrecognized key: "password"',
        'smartspec.yml: services.checkout.alertmanager.auth.passwordEnv: is required with username: the environment variable that holds the password',
      ].join('\n'),
    ],
    [
      'auth that is not a block',
      detection('PROMETHEUS_TOKEN'),
      'smartspec.yml: services.checkout.detection.auth: Invalid input: expected object, received string',
    ],
  ])('refuses %s', (_case, text, message) => {
    expect(refusal(text)).toBe(message);
  });
});
