// A signal that aborts after `ms`, or when any of `parents` aborts: what
// `AbortSignal.any([parent, AbortSignal.timeout(ms)])` means, without relying on it. On Node 20 a
// timeout signal inside AbortSignal.any is only weakly held; once the collector takes it, the
// composite never fires (measured on 20.20.2: 0 of 100 composites aborted after one GC; 22.23 and
// 24.21 fired all 100). A no-progress deadline that never fires is a rollback that waits until the
// step timeout — itself such a composite. Here the timer holds the controller, so the deadline fires
// whatever the collector does; its reason is a TimeoutError, as AbortSignal.timeout's.
export function deadlineSignal(ms: number, ...parents: Array<AbortSignal | undefined>): AbortSignal {
  const controller = new AbortController();
  const linked = parents.filter((p): p is AbortSignal => p !== undefined);
  const already = linked.find((p) => p.aborted);
  if (already) {
    controller.abort(already.reason);
    return controller.signal;
  }
  const onParentAbort = (event: Event) => controller.abort((event.target as AbortSignal).reason);
  // Unref'd, as AbortSignal.timeout's timer: a pending deadline never keeps the process alive.
  const timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), Math.max(0, ms));
  timer.unref();
  for (const parent of linked) parent.addEventListener('abort', onParentAbort, { once: true });
  controller.signal.addEventListener(
    'abort',
    () => {
      clearTimeout(timer);
      for (const parent of linked) parent.removeEventListener('abort', onParentAbort);
    },
    { once: true },
  );
  return controller.signal;
}

/** Whether `signal` was ended by its deadline rather than by a parent. */
export function endedByDeadline(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof DOMException && signal.reason.name === 'TimeoutError';
}
