import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { authorizeRequest, checkPartial } from '../../src/core/use-cases/request-policy.js';
import { makeService } from '../support/services.js';

const slackUser = (id: string) => ({ kind: 'slack_user' as const, id });
const request = (o = {}) => ({ kind: 'rollback' as const, failedDeploymentId: 'd', dryRun: false, autoApprove: false, ...o });
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  return undefined;
};

describe('who may ask, where', () => {
  const service = makeService({ approvals: { ...makeService().approvals, requesters: ['U0ONCALL'], channels: ['C0INCIDENTS'] } });
  it.each([
    ['a listed requester in the listed channel', slackUser('U0ONCALL'), 'C0INCIDENTS', request(), undefined],
    ['someone not listed', slackUser('U0OTHER'), 'C0INCIDENTS', request(), /may not request rollbacks/],
    ['the wrong channel', slackUser('U0ONCALL'), 'C0RANDOM', request(), /are requested in channel C0INCIDENTS, not here/],
    [
      '--auto-approve by someone not in autoApprove',
      slackUser('U0ONCALL'),
      'C0INCIDENTS',
      request({ autoApprove: true }),
      /may not use `--auto-approve`/,
    ],
    [
      'CI (API token) auto-approving without apiAutoApprove',
      { kind: 'api' as const, id: 'ci' },
      undefined,
      request({ autoApprove: true }),
      /not allowed for checkout/,
    ],
  ])('%s', (_name, actor, channel, req, message) => {
    const error = refusal(() => authorizeRequest(service, req, actor, channel));
    if (message) {
      expect(error?.message).toMatch(message);
      expect(error?.kind).toBe('policy');
    } else expect(error).toBeUndefined();
  });
});

describe('partial rollback', () => {
  it.each([
    [['checkout-worker'], ['checkout-worker']],
    [['checkout-api', 'checkout-worker'], undefined], // all of them is a full rollback
  ])('%j → %j', (components, expected) => {
    expect(checkPartial(makeService(), components)).toEqual(expected);
  });
  it.each([
    [['checkout-api'], /core component/],
    [['nope'], /has no component `nope`/],
  ])('%j is refused', (components, message) => {
    expect(refusal(() => checkPartial(makeService(), components))?.message).toMatch(message);
  });
});
