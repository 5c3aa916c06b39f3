import { kubeTime } from './kube-time.js';
import type { KubeEvent, KubeObject } from './kube-types.js';
import type { ObjectStore } from './object-store.js';

export interface EventSource {
  component: string;
  host?: string;
}

export interface EventInput {
  involved: KubeObject;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  source: EventSource;
  /** `spec.containers{name}` for container events, as the kubelet reports them. */
  fieldPath?: string;
}

/**
 * Records core/v1 Events like client-go's recorder: a repeat of the same event on the same
 * object bumps `count` and `lastTimestamp` instead of adding an object. The total is bounded;
 * the oldest events are deleted first (a real cluster expires them after an hour).
 */
export class EventRecorder {
  private readonly byKey = new Map<string, { namespace: string; name: string }>();
  private counter = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly now: () => number,
    private readonly limit = 1000,
  ) {}

  record(input: EventInput): void {
    const { involved } = input;
    const namespace = involved.metadata.namespace ?? 'default';
    const key = [involved.metadata.uid, input.type, input.reason, input.message, input.fieldPath ?? '', input.source.component].join('\u0000');
    const stamp = kubeTime(this.now());
    const known = this.byKey.get(key);
    const existing = known ? this.store.get<KubeEvent>('events', known.namespace, known.name) : undefined;
    if (existing) {
      existing.count += 1;
      existing.lastTimestamp = stamp;
      this.store.update('events', existing);
      // Re-insert so the most recently repeated events are the last to be evicted.
      this.byKey.delete(key);
      this.byKey.set(key, { namespace, name: existing.metadata.name });
      return;
    }
    const name = `${involved.metadata.name}.${(this.now() * 1000 + (this.counter++ % 1000)).toString(16)}`;
    const event: KubeEvent = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        kind: involved.kind,
        namespace,
        name: involved.metadata.name,
        uid: involved.metadata.uid,
        apiVersion: involved.apiVersion,
        resourceVersion: involved.metadata.resourceVersion,
        ...(input.fieldPath ? { fieldPath: input.fieldPath } : {}),
      },
      reason: input.reason,
      message: input.message,
      source: input.source,
      firstTimestamp: stamp,
      lastTimestamp: stamp,
      count: 1,
      type: input.type,
      eventTime: null,
      reportingComponent: input.source.component,
      reportingInstance: input.source.host ?? '',
    };
    this.store.create('events', event);
    this.byKey.set(key, { namespace, name });
    while (this.byKey.size > this.limit) {
      const oldest = this.byKey.entries().next().value;
      if (!oldest) break;
      this.byKey.delete(oldest[0]);
      if (this.store.peek('events', oldest[1].namespace, oldest[1].name)) this.store.delete('events', oldest[1].namespace, oldest[1].name);
    }
  }
}
