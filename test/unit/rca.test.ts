import { describe, expect, it } from 'vitest';
import type { CauseKind, ComponentDiff, Evidence, PodEvidence, ProbableCause } from '../../src/core/evidence.js';
import { analyseRootCause } from '../../src/core/rca.js';

const pod = (p: Partial<PodEvidence>): PodEvidence => ({
  name: 'api-1',
  component: 'api',
  image: 'api:v2',
  phase: 'Running',
  ready: false,
  restarts: 0,
  ...p,
});
const evidence = (e: Partial<Evidence>): Evidence => ({ failedImages: ['api:v2'], pods: [], warnings: [], logs: [], ...e });
const diff = (d: Partial<ComponentDiff>): Evidence['diff'] => ({
  components: [
    {
      component: 'api',
      images: [{ container: 'api', field: 'image', target: 'api:v1', failed: 'api:v2' }],
      env: { added: [], removed: [], changed: [] },
      resources: [],
      probes: [],
      configHashes: [],
      configRefs: { added: [], removed: [] },
      ...d,
    },
  ],
});
const crashing = pod({ waitingReason: 'CrashLoopBackOff', restarts: 4, lastTerminationReason: 'Error', lastExitCode: 1 });

describe('analyseRootCause: the top cause per failure class', () => {
  it.each<[string, Evidence, CauseKind, ProbableCause['confidence'], RegExp]>([
    [
      'crash loop with a log line',
      evidence({ pods: [crashing], logs: [{ pod: 'api-1', container: 'api', lines: ['boot', 'FATAL: missing DATABASE_URL', 'exiting'] }] }),
      'crash_loop',
      'high',
      /crashes on start/,
    ],
    [
      'one crash, no log',
      evidence({ pods: [pod({ restarts: 1, lastTerminationReason: 'Error', lastExitCode: 2 })] }),
      'crash_loop',
      'medium',
      /crashes on start\. It left no log lines/,
    ],
    [
      'a crash loop caught between two restarts (Running)',
      evidence({ pods: [pod({ restarts: 4, lastTerminationReason: 'Error', lastExitCode: 1 })] }),
      'crash_loop',
      'high',
      /restarts in a loop \(CrashLoopBackOff\)/,
    ],
    [
      'OOM',
      evidence({ pods: [pod({ waitingReason: 'CrashLoopBackOff', restarts: 3, lastTerminationReason: 'OOMKilled', lastExitCode: 137 })] }),
      'oom',
      'high',
      /out of memory/,
    ],
    [
      'exit 137 without OOM',
      evidence({ pods: [pod({ restarts: 3, lastTerminationReason: 'Error', lastExitCode: 137 })] }),
      'killed',
      'medium',
      /killed \(exit 137/,
    ],
    [
      'image pull back-off',
      evidence({ pods: [pod({ phase: 'Pending', waitingReason: 'ImagePullBackOff' })] }),
      'image_pull',
      'high',
      /cannot be pulled \(api:v2\)/,
    ],
    ['image pull error', evidence({ pods: [pod({ phase: 'Pending', waitingReason: 'ErrImagePull' })] }), 'image_pull', 'high', /cannot be pulled/],
    [
      'missing Secret',
      evidence({ pods: [pod({ phase: 'Pending', waitingReason: 'CreateContainerConfigError', waitingMessage: 'secret "payments" not found' })] }),
      'container_config',
      'high',
      /cannot even be created/,
    ],
    [
      'unschedulable',
      evidence({ pods: [pod({ phase: 'Pending', scheduledFailure: 'Unschedulable: 0/3 nodes have enough memory' })] }),
      'unschedulable',
      'high',
      /never scheduled/,
    ],
    [
      'readiness probe',
      evidence({ pods: [pod({})], warnings: [{ object: 'Pod/api-1', reason: 'Unhealthy', message: 'Readiness probe failed: HTTP 503', count: 9 }] }),
      'readiness_probe',
      'medium',
      /never becomes ready/,
    ],
    [
      'liveness probe killing',
      evidence({
        pods: [pod({ restarts: 3, lastTerminationReason: 'Error', lastExitCode: 137 })],
        warnings: [
          {
            object: 'Pod/api-1',
            reason: 'Unhealthy',
            message: 'Liveness probe failed: Get "http://10.0.0.5:8080/healthz": context deadline exceeded',
            count: 6,
          },
        ],
      }),
      'liveness_probe',
      'high',
      /liveness probe fails/,
    ],
    [
      'env var removed, pods healthy',
      evidence({ pods: [pod({ ready: true })], diff: diff({ env: { added: [], removed: ['FEATURE_FLAGS_URL'], changed: [] } }) }),
      'config_change',
      'medium',
      /configuration changed/,
    ],
    [
      'config checksum changed, pods healthy',
      evidence({ pods: [pod({ ready: true })], diff: diff({ configHashes: [{ field: 'checksum/config', target: 'aaa', failed: 'bbb' }] }) }),
      'config_change',
      'low',
      /configuration changed with this deploy \(config checksum\)/,
    ],
    [
      'limits lowered, pods healthy',
      evidence({ pods: [pod({ ready: true })], diff: diff({ resources: [{ container: 'api', field: 'limits.cpu', target: '1', failed: '200m' }] }) }),
      'resources_lowered',
      'low',
      /lowered/,
    ],
    [
      'a migration, pods healthy',
      evidence({ pods: [pod({ ready: true })], release: release([{ id: 'm1', reversible: true, destructive: false, mayLoseData: false }]) }),
      'migration',
      'low',
      /migration/,
    ],
  ])('%s', (_name, e, kind, confidence, summary) => {
    const top = analyseRootCause(e).causes[0];
    expect(top?.kind).toBe(kind);
    expect(top?.confidence).toBe(confidence);
    expect(top?.summary).toMatch(summary);
    expect(top?.evidence.length).toBeGreaterThan(0);
  });
});

function release(migrations: Array<{ id: string; reversible: boolean; destructive: boolean; mayLoseData: boolean }>): Evidence['release'] {
  return {
    failedDeploymentId: 'd2',
    targetDeploymentId: 'd1',
    failedVersion: 'v2',
    targetVersion: 'v1',
    failedDeployedAt: '2026-11-20T10:30:00Z',
    targetDeployedAt: '2026-11-19T10:30:00Z',
    migrations,
    images: [],
  };
}

describe('analyseRootCause: never invents', () => {
  it.each<[string, Evidence]>([
    ['no evidence at all', evidence({})],
    ['healthy pods', evidence({ pods: [pod({ ready: true })] })],
    ['healthy pods, only the image changed', evidence({ pods: [pod({ ready: true })], diff: diff({}) })],
    ['a pod still starting (ContainerCreating)', evidence({ pods: [pod({ phase: 'Pending', waitingReason: 'ContainerCreating' })] })],
    ['running but not ready, with no probe failure anywhere', evidence({ pods: [pod({})] })],
    [
      'Normal-looking warnings unrelated to any cause',
      evidence({ pods: [pod({ ready: true })], warnings: [{ object: 'Deployment/api', reason: 'SomethingElse', message: 'hello', count: 1 }] }),
    ],
  ])('%s → no cause identified', (_name, e) => {
    expect(analyseRootCause(e).causes).toEqual([]);
  });

  it('cites at least one evidence line under every cause, whatever the mix', () => {
    const everything = evidence({
      pods: [
        crashing,
        pod({ name: 'api-2', lastTerminationReason: 'OOMKilled', lastExitCode: 137, restarts: 1 }),
        pod({ name: 'api-3', phase: 'Pending', waitingReason: 'ImagePullBackOff' }),
        pod({ name: 'api-4', phase: 'Pending', scheduledFailure: 'Unschedulable: no' }),
        pod({ name: 'api-5' }),
      ],
      warnings: [
        { object: 'Pod/api-5', reason: 'Unhealthy', message: 'Readiness probe failed', count: 2 },
        { object: 'Pod/api-1', reason: 'Unhealthy', message: 'Liveness probe failed', count: 2 },
      ],
      logs: [{ pod: 'api-1', container: 'api', lines: [] }],
      diff: diff({
        env: { added: ['A'], removed: ['B'], changed: ['C'] },
        resources: [{ container: 'api', field: 'limits.memory', target: '1Gi', failed: '256Mi' }],
      }),
      release: release([{ id: 'm1', reversible: false, destructive: true, mayLoseData: true }]),
    });
    const rc = analyseRootCause(everything);
    expect(rc.causes.map((c) => c.kind)).toEqual([
      'oom',
      'image_pull',
      'unschedulable',
      'crash_loop',
      'liveness_probe',
      'readiness_probe',
      'config_change',
      'migration',
    ]);
    for (const cause of rc.causes) expect(cause.evidence.length).toBeGreaterThan(0);
  });
});

describe('analyseRootCause: ranking', () => {
  it('puts a config change the crash log names before the crash it explains', () => {
    const rc = analyseRootCause(
      evidence({
        pods: [crashing],
        logs: [{ pod: 'api-1', container: 'api', lines: ['FATAL: environment variable FEATURE_FLAGS_URL is required'] }],
        diff: diff({ env: { added: [], removed: ['FEATURE_FLAGS_URL'], changed: [] } }),
      }),
    );
    expect(rc.causes.map((c) => [c.kind, c.confidence])).toEqual([
      ['config_change', 'high'],
      ['crash_loop', 'high'],
    ]);
    expect(rc.causes[0]?.evidence.join('\n')).toContain('FEATURE_FLAGS_URL is required');
  });

  it('keeps the observed symptom first when a config change is only nearby', () => {
    const rc = analyseRootCause(
      evidence({
        pods: [crashing],
        logs: [{ pod: 'api-1', container: 'api', lines: ['panic: nil map'] }],
        diff: diff({ env: { added: ['NEW_FLAG'], removed: [], changed: [] } }),
      }),
    );
    expect(rc.causes.map((c) => [c.kind, c.confidence])).toEqual([
      ['crash_loop', 'high'],
      ['config_change', 'medium'],
    ]);
  });

  it('folds a lowered memory limit into the OOM instead of a second cause', () => {
    const rc = analyseRootCause(
      evidence({
        pods: [pod({ lastTerminationReason: 'OOMKilled', lastExitCode: 137, restarts: 2, waitingReason: 'CrashLoopBackOff' })],
        diff: diff({ resources: [{ container: 'api', field: 'limits.memory', target: '512Mi', failed: '128Mi' }] }),
      }),
    );
    expect(rc.causes.map((c) => c.kind)).toEqual(['oom']);
    expect(rc.causes[0]?.evidence).toContain('api: limits.memory lowered 512Mi → 128Mi');
    expect(rc.causes[0]?.summary).toContain('after its memory limit was lowered');
  });

  it('rates a readiness failure high when the failed version changed the probe', () => {
    const rc = analyseRootCause(
      evidence({
        pods: [pod({})],
        warnings: [{ object: 'Pod/api-1', reason: 'Unhealthy', message: 'Readiness probe failed: HTTP 404', count: 3 }],
        diff: diff({ probes: [{ container: 'api', field: 'readinessProbe', target: 'HTTP GET /healthz :8080', failed: 'HTTP GET /ready :8080' }] }),
      }),
    );
    expect(rc.causes[0]).toMatchObject({ kind: 'readiness_probe', confidence: 'high' });
    expect(rc.causes[0]?.evidence).toContain('api: readinessProbe changed HTTP GET /healthz :8080 → HTTP GET /ready :8080');
  });

  it('links a migration to schema errors in the crash log', () => {
    const rc = analyseRootCause(
      evidence({
        pods: [crashing],
        logs: [{ pod: 'api-1', container: 'api', lines: ['ERROR: column "total_v2" does not exist'] }],
        release: release([{ id: '20261120_add_total', reversible: true, destructive: false, mayLoseData: false }]),
      }),
    );
    const m = rc.causes.find((c) => c.kind === 'migration');
    expect(m?.confidence).toBe('medium');
    expect(m?.evidence).toEqual(['migration 20261120_add_total (reversible)', 'log of api-1/api: ERROR: column "total_v2" does not exist']);
  });

  it('quotes the telling log line, not the last banner', () => {
    const rc = analyseRootCause(
      evidence({
        pods: [crashing],
        logs: [{ pod: 'api-1', container: 'api', lines: ['boot', 'FATAL: missing DATABASE_URL', 'shutting down', 'bye'] }],
      }),
    );
    expect(rc.causes[0]?.evidence).toContain('last log of api-1/api: FATAL: missing DATABASE_URL');
  });
});

describe('analyseRootCause: secrets', () => {
  it('scrubs logs, event messages, pod messages and the diff before anything quotes them', () => {
    const rc = analyseRootCause(
      evidence({
        pods: [pod({ waitingReason: 'CrashLoopBackOff', restarts: 1, waitingMessage: 'token=abcd1234efgh' })],
        logs: [{ pod: 'api-1', container: 'api', lines: ['connect postgres://app:hunter2@db:5432/shop failed'] }],
        warnings: [{ object: 'Pod/api-1', reason: 'Failed', message: 'token=abcd1234efgh', count: 1 }],
        diff: diff({ probes: [{ container: 'api', field: 'livenessProbe', failed: 'exec curl -H Authorization: Bearer s3cr3ttoken123 localhost' }] }),
      }),
    );
    const text = JSON.stringify(rc);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('abcd1234efgh');
    expect(text).not.toContain('s3cr3ttoken123');
  });
});
