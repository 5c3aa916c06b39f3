// checkout's /healthz as its Kubernetes Service would answer it: 200 while any checkout-api pod is
// Ready to receive traffic, 503 when none is. The bot's HTTP verification check calls this.
import type { KubernetesEmulator } from '../kubernetes/kubernetes-emulator.js';
import { podView } from './cluster-snapshot.js';

export function checkoutHealth(k8s: KubernetesEmulator, namespace: string, component: string): { status: number; body: Record<string, unknown> } {
  const pods = k8s
    .listPods(namespace)
    .filter((p) => p.metadata.labels?.app === component)
    .map(podView);
  const ready = pods.filter((p) => p.ready);
  if (ready.length === 0) {
    return {
      status: 503,
      body: { status: 'unavailable', reason: `no ready ${component} endpoints`, pods: pods.map((p) => `${p.name} ${p.status}`) },
    };
  }
  return { status: 200, body: { status: 'ok', endpoints: ready.length, images: [...new Set(ready.flatMap((p) => p.images))] } };
}
