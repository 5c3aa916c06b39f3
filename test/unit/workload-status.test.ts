// The rollout rules of `kubectl rollout status` for StatefulSets and DaemonSets, and Argo's phase for
// Rollouts, as the bot applies them: table-driven on plain objects.
import type { V1DaemonSet, V1StatefulSet } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  argoRolloutState,
  daemonSetState,
  isArgoInProgress,
  statefulSetState,
  type ArgoRollout,
} from '../../src/adapters/kubernetes/workload-status.js';

const sts = (
  spec: Partial<NonNullable<V1StatefulSet['spec']>>,
  status: Partial<NonNullable<V1StatefulSet['status']>>,
  generation = 2,
): V1StatefulSet => ({
  metadata: { name: 'db', generation },
  spec: {
    replicas: 3,
    selector: {},
    serviceName: 'db',
    template: {},
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    ...spec,
  },
  status: { replicas: 3, observedGeneration: 2, ...status },
});

describe('StatefulSet rollout status', () => {
  it.each([
    ['spec not observed yet', sts({}, { observedGeneration: 1 }), 'progressing', 'waiting for the spec update of db to be observed'],
    ['pods not ready', sts({}, { readyReplicas: 2, updatedReplicas: 3 }), 'progressing', '2 of 3 pods of db ready'],
    ['pods not updated', sts({}, { readyReplicas: 3, updatedReplicas: 2 }), 'progressing', '2 of 3 pods of db updated (partition 0)'],
    [
      'done',
      sts({}, { readyReplicas: 3, updatedReplicas: 3, currentRevision: 'db-a' }),
      'complete',
      'db: partitioned roll out complete, 3 pods updated',
    ],
    [
      'a partition reached',
      sts(
        { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } },
        { readyReplicas: 3, updatedReplicas: 1, currentRevision: 'db-a' },
      ),
      'complete',
      'db: partitioned roll out complete, 1 pods updated; partition 2 keeps ordinals 0–1 on revision db-a',
    ],
    [
      'no rollingUpdate: revisions compared',
      sts({ updateStrategy: { type: 'RollingUpdate' } }, { readyReplicas: 3, updatedReplicas: 1, currentRevision: 'db-a', updateRevision: 'db-b' }),
      'progressing',
      '1 pods of db at revision db-b',
    ],
    [
      'OnDelete',
      sts({ updateStrategy: { type: 'OnDelete' } }, { readyReplicas: 3, updatedReplicas: 0 }),
      'failed',
      'StatefulSet db uses updateStrategy OnDelete: its pods take the restored template only when they are deleted (0/3 run it now); delete them to finish',
    ],
  ])('%s', (_name, object, phase, message) => {
    expect(statefulSetState(object)).toEqual({ phase, message });
  });
});

const ds = (status: Partial<NonNullable<V1DaemonSet['status']>>, type = 'RollingUpdate'): V1DaemonSet => ({
  metadata: { name: 'agent', generation: 2 },
  spec: { selector: {}, template: {}, updateStrategy: { type } },
  status: { currentNumberScheduled: 3, desiredNumberScheduled: 3, numberMisscheduled: 0, numberReady: 3, observedGeneration: 2, ...status },
});

describe('DaemonSet rollout status', () => {
  it.each([
    ['not observed', ds({ observedGeneration: 1 }), 'progressing', 'waiting for the spec update of agent to be observed'],
    ['updating', ds({ updatedNumberScheduled: 1, numberAvailable: 3 }), 'progressing', '1 of 3 pods of agent updated'],
    ['becoming available', ds({ updatedNumberScheduled: 3, numberAvailable: 2 }), 'progressing', '2 of 3 updated pods of agent available'],
    ['done', ds({ updatedNumberScheduled: 3, numberAvailable: 3 }), 'complete', 'agent: 3/3 pods available'],
    [
      'OnDelete',
      ds({ updatedNumberScheduled: 0 }, 'OnDelete'),
      'failed',
      'DaemonSet agent uses updateStrategy OnDelete: its pods take the restored template only when they are deleted (0/3 run it now); delete them to finish',
    ],
  ])('%s', (_name, object, phase, message) => {
    expect(daemonSetState(object)).toEqual({ phase, message });
  });
});

const ro = (status: ArgoRollout['status'], generation = 3): ArgoRollout => ({
  metadata: { name: 'web', generation },
  spec: { replicas: 4 },
  status: { observedGeneration: '3', ...status },
});

describe('Argo Rollout phase', () => {
  it.each([
    ['not observed', ro({ phase: 'Healthy', observedGeneration: '2' }), 'progressing', 'waiting for the spec update of web to be observed'],
    ['Healthy', ro({ phase: 'Healthy', availableReplicas: 4 }), 'complete', 'web is Healthy, 4/4 replicas available'],
    [
      'Progressing',
      ro({ phase: 'Progressing', message: 'more replicas need to be updated' }),
      'progressing',
      'web is Progressing: more replicas need to be updated',
    ],
    [
      'Degraded',
      ro({ phase: 'Degraded', message: 'RolloutAborted: Rollout aborted update to revision 3' }),
      'failed',
      'web is Degraded: RolloutAborted: Rollout aborted update to revision 3',
    ],
    [
      'Paused',
      ro({ phase: 'Paused', message: 'CanaryPauseStep', currentStepIndex: 1 }),
      'failed',
      'web is Paused: CanaryPauseStep at step 1: promote it (kubectl argo rollouts promote web) or abort it',
    ],
  ])('%s', (_name, object, phase, message) => {
    expect(argoRolloutState(object)).toEqual({ phase, message });
  });

  it('is in progress while the stable ReplicaSet is not the current one', () => {
    expect(isArgoInProgress(ro({ stableRS: 'a', currentPodHash: 'b' }))).toBe(true);
    expect(isArgoInProgress(ro({ stableRS: 'a', currentPodHash: 'a' }))).toBe(false);
    expect(isArgoInProgress(ro({}))).toBe(false);
  });
});
