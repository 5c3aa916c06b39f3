import { describe, expect, it } from 'vitest';
import type { Evidence, PodEvidence } from '../../src/core/model.js';
import { analyseRootCause } from '../../src/core/rca.js';

const pod = (p: Partial<PodEvidence>): PodEvidence => ({ name: 'api-1', component: 'api', image: 'api:v2', phase: 'Running', ready: false, restarts: 0, ...p });
const evidence = (e: Partial<Evidence>): Evidence => ({ failedImages: ['api:v2'], pods: [], warnings: [], logs: [], ...e });

describe('analyseRootCause', () => {
  it.each([
    ['crash loop', evidence({ pods: [pod({ waitingReason: 'CrashLoopBackOff', restarts: 4, lastTerminationReason: 'Error', lastExitCode: 1 })], logs: [{ pod: 'api-1', container: 'api', lines: ['boot', 'FATAL: missing DATABASE_URL'] }] }), /crashes on start/, 'high'],
    ['OOM', evidence({ pods: [pod({ waitingReason: 'CrashLoopBackOff', restarts: 3, lastTerminationReason: 'OOMKilled', lastExitCode: 137 })] }), /out of memory/, 'high'],
    ['image pull', evidence({ pods: [pod({ phase: 'Pending', waitingReason: 'ImagePullBackOff' })] }), /cannot be pulled/, 'high'],
    ['unschedulable', evidence({ pods: [pod({ phase: 'Pending', scheduledFailure: 'Unschedulable: 0/3 nodes have enough memory' })] }), /never scheduled/, 'high'],
    ['readiness', evidence({ pods: [pod({})], warnings: [{ object: 'Pod/api-1', reason: 'Unhealthy', message: 'Readiness probe failed: HTTP 503', count: 9 }] }), /never becomes ready/, 'medium'],
  ] as const)('%s → top cause', (_name, e, summary, confidence) => {
    const rc = analyseRootCause(e);
    expect(rc.causes[0]?.summary).toMatch(summary);
    expect(rc.causes[0]?.confidence).toBe(confidence);
    expect(rc.causes[0]?.evidence.length).toBeGreaterThan(0);
  });

  it('quotes the crash log line as evidence', () => {
    const rc = analyseRootCause(evidence({ pods: [pod({ waitingReason: 'CrashLoopBackOff', restarts: 2 })], logs: [{ pod: 'api-1', container: 'api', lines: ['FATAL: missing DATABASE_URL'] }] }));
    expect(rc.causes[0]?.evidence.join('\n')).toContain('FATAL: missing DATABASE_URL');
  });

  it('invents nothing when healthy pods show nothing', () => {
    expect(analyseRootCause(evidence({ pods: [pod({ ready: true })] })).causes).toEqual([]);
    expect(analyseRootCause(evidence({})).causes).toEqual([]);
  });

  it('scrubs secrets from logs and event messages', () => {
    const rc = analyseRootCause(evidence({
      pods: [pod({ waitingReason: 'CrashLoopBackOff', restarts: 1 })],
      logs: [{ pod: 'api-1', container: 'api', lines: ['connect postgres://app:hunter2@db:5432/shop failed'] }],
      warnings: [{ object: 'Pod/api-1', reason: 'Failed', message: 'token=abcd1234efgh', count: 1 }],
    }));
    const text = JSON.stringify(rc);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('abcd1234efgh');
  });
});
