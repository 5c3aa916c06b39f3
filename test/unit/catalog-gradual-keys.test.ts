// Catalog keys of issue 17 for gradual rollback and configuration snapshots: kubernetes.gradual and
// kubernetes.configSnapshot; defaults filled in, each bad input refused with the key named.
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/config/catalog.js';
import { ConfigError } from '../../src/config/config-error.js';

const catalog = (extra: string, deployments = '[web-blue, web-green]') => `
services:
  web:
    kubernetes:
      namespace: shop
      deployments: ${deployments}
      blueGreen: { service: web, label: slot }
${extra}
    approvals: { approvers: [U01AAAA] }
`;

function configError(text: string): string {
  try {
    parseCatalog(text, 'smartspec.yml');
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('kubernetes.gradual and kubernetes.configSnapshot', () => {
  it('fills in the defaults', () => {
    const service = parseCatalog(catalog('      gradual: { httpRoute: { name: web } }\n      configSnapshot: {}'), 'smartspec.yml').services.get(
      'web',
    )!;
    expect(service.target).toMatchObject({
      gradual: { steps: [25, 50, 75, 100], pauseSeconds: 30, gateSeconds: 120, httpRoute: { name: 'web', rule: 0 } },
      configSnapshot: { maxBytes: 65_536 },
    });
  });

  it.each([
    ['steps that do not end at 100', '      gradual: { steps: [25, 50] }', /gradual\.steps.*ascending percentages ending at 100/],
    ['steps out of order', '      gradual: { steps: [50, 25, 100] }', /gradual\.steps.*ascending/],
    ['a negative pause', '      gradual: { pauseSeconds: -1 }', /gradual\.pauseSeconds/],
    [
      'a backend for a side that is not a Deployment',
      '      gradual: { httpRoute: { name: web, backends: { web-red: web-red } } }',
      /gradual\.httpRoute\.backends.*names web-red, which is not in kubernetes\.deployments/,
    ],
    ['an unknown gradual key', '      gradual: { stepz: [100] }', /gradual.*stepz/],
    ['a snapshot limit above 1000000', '      configSnapshot: { maxBytes: 5000000 }', /configSnapshot\.maxBytes.*at most 1000000/],
  ])('refuses %s, naming the key', (_name, extra, message) => {
    expect(configError(catalog(extra))).toMatch(message);
  });

  it('refuses gradual without blueGreen', () => {
    const text = `
services:
  web:
    kubernetes: { namespace: shop, deployments: [web], gradual: {} }
    approvals: { approvers: [U01AAAA] }
`;
    expect(configError(text)).toMatch(/kubernetes\.gradual.*needs kubernetes\.blueGreen/);
  });
});
