// The no-progress deadline of StatefulSets and DaemonSets: only new highs count, so a crash loop
// that flips a pod Ready and back cannot keep a stuck rollback "progressing" forever.
import type { V1StatefulSet } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ProgressMark } from '../../src/adapters/kubernetes/workload-status.js';

const sts = (status: NonNullable<V1StatefulSet['status']>): V1StatefulSet => ({ status });

describe('ProgressMark', () => {
  it('counts a new high, a new generation or phase as progress, and a return to an old value as none', () => {
    const mark = new ProgressMark(sts({ observedGeneration: 2, replicas: 3, readyReplicas: 2, updatedReplicas: 0 }));
    expect(mark.advance(sts({ observedGeneration: 2, replicas: 3, readyReplicas: 1, updatedReplicas: 0 }))).toBe(false);
    expect(mark.advance(sts({ observedGeneration: 2, replicas: 3, readyReplicas: 2, updatedReplicas: 0 }))).toBe(false);
    expect(mark.advance(sts({ observedGeneration: 2, replicas: 3, readyReplicas: 1, updatedReplicas: 1 }))).toBe(true);
    expect(mark.advance(sts({ observedGeneration: 3, replicas: 3, readyReplicas: 1, updatedReplicas: 1 }))).toBe(true);
    expect(mark.advance(sts({ observedGeneration: 3, replicas: 3, readyReplicas: 3, updatedReplicas: 1 }))).toBe(true);
    expect(mark.advance(sts({ observedGeneration: 3, replicas: 3, readyReplicas: 2, updatedReplicas: 1 }))).toBe(false);
  });
});
