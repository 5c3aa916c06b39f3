// The not-ready message a service's channel gets once: golden, and within Slack's limits.
import { describe, expect, it } from 'vitest';
import { readinessFallbackText, renderNotReadyBlocks } from '../../../src/adapters/slack/blocks/readiness-blocks.js';
import type { ServiceReadiness } from '../../../src/core/rehearsal/readiness.js';
import { expectGolden } from '../../support/golden.js';

const notReady: ServiceReadiness = {
  service: 'checkout',
  environment: 'production',
  ready: false,
  checkedAt: '2026-11-24T09:00:00.000Z',
  durationMs: 1840,
  fromVersion: 'v1.2.1',
  toVersion: 'v1.2.0',
  steps: 2,
  dryRun: 'refused',
  permissions: 'denied',
  targetRevision: 'present',
  problems: [
    'step 1 (Roll `checkout-api` back to `registry.example/checkout-api:v1.2.0` (revision 2)) would be refused: deployments.apps "checkout-api" is forbidden',
    'the bot may not patch deployments.apps checkout-api in shop',
  ],
};

describe('renderNotReadyBlocks', () => {
  it('says which service, why, and that nothing was executed', () => {
    expectGolden('readiness-not-ready.json', renderNotReadyBlocks(notReady));
    expect(readinessFallbackText(notReady)).toBe(`Rollback of checkout (production) is NOT ready: ${notReady.problems[0]}`);
  });

  it('keeps a long list of problems inside one section', () => {
    const many = { ...notReady, problems: Array.from({ length: 200 }, (_, i) => `problem ${i}: ${'x'.repeat(80)}`) };
    const blocks = renderNotReadyBlocks(many);
    const text = (blocks[1] as { text: { text: string } }).text.text;
    expect(text.length).toBeLessThanOrEqual(3000);
  });

  it('escapes what people typed into names and problems', () => {
    const blocks = JSON.stringify(renderNotReadyBlocks({ ...notReady, problems: ['<!channel> *now*'] }));
    expect(blocks).not.toContain('<!channel>');
  });
});
