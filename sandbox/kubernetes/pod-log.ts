import { badRequest } from './api-error.js';
import { kubeMicroTime } from './kube-time.js';
import type { Pod } from './kube-types.js';
import type { LogLine } from './pod-state.js';

export interface LogSource {
  logsOf(podUid: string, container: string, previous: boolean): LogLine[] | undefined;
}

function flag(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  return v === 'true' || v === '1';
}

function nonNegativeInt(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`${name}: Invalid value: ${JSON.stringify(raw)}: must be greater than or equal to 0`);
  return n;
}

/** GET pods/{name}/log: text/plain, with the kubelet's errors for containers that have none. */
export function readPodLog(pod: Pod, query: URLSearchParams, source: LogSource): string {
  const names = pod.spec.containers.map((c) => c.name);
  const podName = pod.metadata.name;
  let container = query.get('container') ?? undefined;
  if (container === undefined) {
    if (names.length !== 1) {
      throw badRequest(`a container name must be specified for pod ${podName}, choose one of: [${names.join(' ')}]`);
    }
    container = names[0] ?? '';
  }
  if (!names.includes(container)) throw badRequest(`container ${container} is not valid for pod ${podName}`);
  if (!pod.spec.nodeName) throw badRequest(`pod ${podName} does not have a host assigned`);
  const previous = flag(query, 'previous');
  const lines = source.logsOf(pod.metadata.uid ?? '', container, previous);
  if (lines === undefined) {
    if (previous) throw badRequest(`previous terminated container "${container}" in pod "${podName}" not found`);
    const status = pod.status?.containerStatuses?.find((c) => c.name === container);
    const reason = status?.state.waiting?.reason ?? 'ContainerCreating';
    const detail = reason === 'ErrImagePull' || reason === 'ImagePullBackOff' ? 'trying and failing to pull image' : reason;
    throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: ${detail}`);
  }
  const tail = nonNegativeInt(query, 'tailLines');
  const limitBytes = nonNegativeInt(query, 'limitBytes');
  const timestamps = flag(query, 'timestamps');
  const selected = tail === undefined ? lines : tail === 0 ? [] : lines.slice(-tail);
  let text = selected.map((l) => `${timestamps ? `${kubeMicroTime(l.at)} ` : ''}${l.text}\n`).join('');
  if (limitBytes !== undefined) text = Buffer.from(text, 'utf8').subarray(0, limitBytes).toString('utf8');
  return text;
}
