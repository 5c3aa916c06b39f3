// The catalog's alertmanager and detection keys: defaults, and a clear message for each mistake.
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/config/catalog.js';
import { ConfigError } from '../../src/config/config-error.js';

const base = (extra: string) => `
services:
  cart:
    kubernetes: { namespace: shop, deployments: [cart-api] }
    approvals: { approvers: [U01AAAA] }
${extra}`;

function refusal(text: string): string {
  try {
    parseCatalog(text, 'smartspec.yml');
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('catalog alertmanager', () => {
  it('fills matcher and duration defaults', () => {
    const catalog = parseCatalog(base('    alertmanager: { url: "http://am:9093", matchers: [{ name: service, value: cart }] }'), 'smartspec.yml');
    expect(catalog.services.get('cart')!.alertmanager).toEqual({
      url: 'http://am:9093',
      matchers: [{ name: 'service', value: 'cart', isRegex: false, isEqual: true }],
      maxMinutes: 120,
    });
  });

  it.each([
    ['no matchers', '{ url: "http://am:9093", matchers: [] }', /alertmanager\.matchers.*at least one matcher/],
    [
      'a silence of everything',
      '{ url: "http://am:9093", matchers: [{ name: alertname, value: ".*", isRegex: true }] }',
      /alertmanager\.matchers.*would silence every alert/,
    ],
    [
      'an invalid label name',
      '{ url: "http://am:9093", matchers: [{ name: app-name, value: cart }] }',
      /alertmanager\.matchers\.0\.name.*Prometheus label name/,
    ],
    [
      'a broken regex',
      '{ url: "http://am:9093", matchers: [{ name: service, value: "(cart", isRegex: true }] }',
      /alertmanager\.matchers\.0\.value.*not a valid regular expression/,
    ],
    [
      'not a URL',
      '{ url: "alertmanager", matchers: [{ name: service, value: cart }] }',
      /alertmanager\.url.*http\(s\) base URL, e\.g\. http:\/\/alertmanager/,
    ],
    [
      'credentials in the URL',
      '{ url: "http://admin:s3cret@am:9093", matchers: [{ name: service, value: cart }] }',
      /alertmanager\.url.*must not carry credentials/,
    ],
  ])('refuses %s, naming the key', (_name, yaml, message) => {
    expect(refusal(base(`    alertmanager: ${yaml}`))).toMatch(message);
  });

  it('accepts a negative matcher next to one that names the service', () => {
    const catalog = parseCatalog(
      base(
        '    alertmanager: { url: "http://am:9093", matchers: [{ name: service, value: cart }, { name: severity, value: info, isEqual: false }] }',
      ),
      'smartspec.yml',
    );
    expect(catalog.services.get('cart')!.alertmanager!.matchers).toHaveLength(2);
  });
});

describe('catalog detection', () => {
  const query = (extra: string) =>
    `    detection:\n      url: http://prom:9090\n      queries:\n        - { name: error rate, kind: error_rate, query: "sum(x)", ${extra} }`;

  it('parses queries with their severity', () => {
    const catalog = parseCatalog(base(query('max: 0.001, severity: critical, unit: "%"')), 'smartspec.yml');
    expect(catalog.services.get('cart')!.detection).toEqual({
      url: 'http://prom:9090',
      queries: [{ name: 'error rate', kind: 'error_rate', query: 'sum(x)', max: 0.001, severity: 'critical', unit: '%' }],
    });
  });

  it.each([
    ['a threshold missing', 'severity: critical', /detection\.queries\.0.*exactly one of max or min/],
    ['both thresholds', 'max: 1, min: 0, severity: critical', /detection\.queries\.0.*exactly one of max or min/],
    ['an unknown severity', 'max: 1, severity: urgent', /detection\.queries\.0\.severity.*critical, high, medium or low/],
    ['no severity', 'max: 1', /detection\.queries\.0\.severity/],
  ])('refuses %s, naming the key', (_name, extra, message) => {
    expect(refusal(base(query(extra)))).toMatch(message);
  });

  it.each([
    ['a URL with credentials', 'http://u:s3cret@prom:9090', /detection\.url.*must not carry credentials/],
    ['a URL that is not http(s)', 'ftp://prom:9090', /detection\.url.*http\(s\) base URL/],
  ])('refuses %s, naming the key and never echoing it', (_name, url, message) => {
    const text = base(query('max: 1, severity: high')).replace('url: http://prom:9090', `url: "${url}"`);
    expect(refusal(text)).toMatch(message);
    expect(refusal(text)).not.toContain('s3cret');
  });
});
