// The pure rules of issue 14: --force, the automation cap (approvals.maxAutoRisk), "verified means
// checked", and a reason where requireReasonIn says so. Table-driven; every refusal says what to do next.
import { describe, expect, it } from 'vitest';
import { automationVerdict } from '../../src/core/automation-policy.js';
import { UserError } from '../../src/core/errors.js';
import { applyForce, forceRefusal } from '../../src/core/force.js';
import type { Actor, Risk, RollbackPlan, SafetyCheck, Verification } from '../../src/core/model.js';
import { assessRisk } from '../../src/core/risk.js';
import { authorizeRequest } from '../../src/core/use-cases/request-policy.js';
import { judgeVerification, NOT_VERIFIED, uncheckedServiceWarnings } from '../../src/core/verification-verdict.js';
import { makePlan } from '../support/builders.js';
import { makeService } from '../support/services.js';

const person: Actor = { kind: 'slack_user', id: 'U0REQUEST' };
const ci: Actor = { kind: 'api', id: 'ci-checkout' };
const pagerDuty: Actor = { kind: 'pagerduty', id: 'PINC1' };
const check = (id: string, outcome: SafetyCheck['outcome'], overridable?: boolean): SafetyCheck => ({
  id,
  outcome,
  message: `${id} says so`,
  ...(overridable ? { overridable } : {}),
});

describe('--force', () => {
  it.each([
    ['a person with a reason', person, { force: true, autoApprove: false, reason: 'auto-sync suspended' }, undefined],
    ['without --force, nothing to refuse', ci, { force: false, autoApprove: true }, undefined],
    ['CI', ci, { force: true, autoApprove: false, reason: 'x' }, /for people in Slack, never for automation/],
    ['PagerDuty', pagerDuty, { force: true, autoApprove: false, reason: 'x' }, /never for automation/],
    ['with --auto-approve', person, { force: true, autoApprove: true, reason: 'x' }, /never combines with `--auto-approve`.*Drop `--auto-approve`/],
    ['without a reason', person, { force: true, autoApprove: false }, /needs a `--reason`.*--force --reason/],
    ['with a blank reason', person, { force: true, autoApprove: false, reason: '  ' }, /needs a `--reason`/],
  ])('%s', (_name, actor, request, message) => {
    const refusal = forceRefusal(request, actor);
    if (message) expect(refusal?.message).toMatch(message);
    else expect(refusal).toBeUndefined();
  });

  it.each([
    [
      'overridable blockers become forced warnings; the plan is CRITICAL but not blocked',
      [check('gitops', 'block', true), check('capacity', 'block', true), check('drift', 'pass')],
      'warn',
      /overrides gitops, capacity/,
    ],
    [
      'migrations, drift, other runs and stuck releases stay blockers',
      [check('migrations', 'block'), check('active_run', 'block'), check('helm_pending', 'block'), check('rollout_in_progress', 'block', true)],
      'block',
      /Still blocked by migrations, active_run, helm_pending/,
    ],
    ['nothing to override still makes a forced, CRITICAL plan', [check('drift', 'pass')], 'warn', /overrides nothing/],
  ] as const)('%s', (_name, checks, worst, message) => {
    const forced = applyForce([...checks], 'auto-sync suspended');
    expect(assessRisk(forced)).toBe('CRITICAL');
    expect(forced.some((c) => c.outcome === 'block')).toBe(worst === 'block');
    expect(forced.find((c) => c.id === 'forced')?.message).toMatch(message);
    expect(forced.find((c) => c.id === 'forced')?.message).toContain('Reason: auto-sync suspended');
    for (const c of forced.filter((k) => k.forced && k.id !== 'forced')) expect(c.message).toMatch(/^Forced: /);
  });
});

describe('approvals.maxAutoRisk', () => {
  const policy = (maxAutoRisk: Risk) => ({ ...makeService().approvals, maxAutoRisk });
  it.each([
    ['LOW within MEDIUM', 'LOW', 'MEDIUM', {}, true, /risk LOW is within approvals.maxAutoRisk MEDIUM/],
    ['MEDIUM within MEDIUM (the default)', 'MEDIUM', 'MEDIUM', {}, true, /within/],
    [
      'HIGH above MEDIUM waits for people',
      'HIGH',
      'MEDIUM',
      { requiredApprovals: 2 },
      false,
      /risk HIGH is above approvals.maxAutoRisk MEDIUM: the plan waits for 2 approver\(s\)/,
    ],
    ['HIGH within HIGH', 'HIGH', 'HIGH', {}, true, /within/],
    ['MEDIUM above LOW', 'MEDIUM', 'LOW', {}, false, /above approvals.maxAutoRisk LOW/],
    ['a blocked plan never', 'CRITICAL', 'HIGH', { checks: [check('active_run', 'block')] }, false, /blocked/],
    ['a forced plan never', 'CRITICAL', 'HIGH', { forced: true }, false, /forced plan always needs people/],
  ] as const)('%s', (_name, risk, max, extra, allowed, reason) => {
    const overrides: Partial<RollbackPlan> = { risk, ...(extra as Partial<RollbackPlan>), checks: 'checks' in extra ? [...extra.checks] : [] };
    const verdict = automationVerdict(makePlan(overrides), policy(max), 'pagerduty autoRollback');
    expect(verdict).toMatchObject({ via: 'pagerduty autoRollback', allowed });
    expect(verdict.reason).toMatch(reason);
  });
});

describe('"verified" means checked', () => {
  const at = '2026-11-20T10:00:00.000Z';
  const verification = (phases: Array<'passed' | 'failed' | 'skipped'>): Verification => ({
    phase: phases.includes('failed') ? 'Failed' : 'Succeeded',
    startedAt: at,
    finishedAt: at,
    checks: phases.map((phase, i) => ({ name: `check ${i}`, phase, durationMs: 1, detail: phase })),
  });
  const spec = (configured: boolean, required = false) => ({
    http: configured ? [{ url: 'http://x/healthz', status: 200 }] : [],
    commands: [],
    prometheus: [],
    required,
  });
  it.each([
    ['a passed check: verified', ['passed', 'skipped'], spec(true), 'Succeeded', undefined],
    ['a failed check: failed, and it was checked', ['failed'], spec(true), 'Failed', undefined],
    ['no checks at all', [], spec(false), 'Succeeded', NOT_VERIFIED],
    ['only skipped checks, none configured', ['skipped'], spec(false), 'Succeeded', NOT_VERIFIED],
    ['only skipped checks, some configured', ['skipped', 'skipped'], spec(true), 'Succeeded', 'not verified: every configured check was skipped'],
    ['nothing checked with verification.required', ['skipped'], spec(false, true), 'Failed', `${NOT_VERIFIED}, and verification.required is true`],
  ] as const)('%s', (_name, phases, s, phase, notVerified) => {
    const judged = judgeVerification(verification([...phases]), s);
    expect(judged.phase).toBe(phase);
    expect(judged.notVerified).toBe(notVerified);
  });

  it('names each service without any check, and what its rollbacks prove', () => {
    const warnings = uncheckedServiceWarnings([
      makeService({ name: 'checkout' }),
      makeService({ name: 'search', verification: { ...makeService().verification, http: [{ url: 'http://search/healthz', status: 200 }] } }),
      makeService({ name: 'billing', target: { kind: 'command', rollback: ['./rollback.sh'], timeoutSeconds: 60 } }),
    ]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/service checkout has no verification checks.*only by the rollout/);
    expect(warnings[1]).toMatch(/service billing has no verification checks.*not verified: no checks are configured/);
  });
});

describe('a reason where it matters (requireReasonIn)', () => {
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
  it.each([
    ['a person without --reason in a listed environment', true, person, request(), /need a reason.*Nothing was planned.*--reason "/],
    ['a person with --reason', true, person, request({ reason: 'checkout 5xx' }), undefined],
    ['a person in an environment not listed', false, person, request(), undefined],
    ['CI carries its own reason', true, ci, request(), undefined],
    ['PagerDuty carries its own reason', true, pagerDuty, request(), undefined],
  ])('%s', (_name, reasonRequired, actor, req, message) => {
    const error = refusal(() => authorizeRequest(makeService({ reasonRequired }), req, actor, 'C0INCIDENTS'));
    if (message) expect(error?.message).toMatch(message);
    else expect(error).toBeUndefined();
  });
});
