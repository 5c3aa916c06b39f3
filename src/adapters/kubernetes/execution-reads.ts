// One execution's reads of its Deployments and their ReplicaSets. Between the approval and the first
// write, three things need the same objects: the drift re-read, the evidence of the failed pods, and
// the first step's PATCH (its resourceVersion precondition and the target ReplicaSet's template). Read
// once, after the approval, they serve all three; before, each read them again, moments apart, and the
// click waited for every round trip.
//
// Why this keeps the drift check whole: the reads start only when the execution does (after the
// approval and the claim), and the PATCH carries the resourceVersion of the very object the drift
// check compared, so the API server refuses it (409) if anything changed since — the step then reads
// afresh, as it always did after a conflict. The first write ends the sharing: from then on every read
// goes to the API server (the cluster is moving, and later steps must see it as it is).
import type { V1Deployment, V1ReplicaSet } from '@kubernetes/client-node';
import type { ClusterClients } from './kube-clients.js';
import { ownedReplicaSets } from './replica-set-history.js';

/** How the state, evidence and step code read Deployments and their history. */
export interface DeploymentReads {
  /** Rejects like `readNamespacedDeployment` (an ApiException 404 when missing). */
  deployment(namespace: string, name: string): Promise<V1Deployment>;
  /** The ReplicaSets `d` owns, newest revision first. */
  replicaSets(d: V1Deployment): Promise<V1ReplicaSet[]>;
}

/** Every read goes to the API server. */
export function directReads(clients: ClusterClients): DeploymentReads {
  return {
    deployment: (namespace, name) => clients.apps.readNamespacedDeployment({ name, namespace }),
    replicaSets: (d) => ownedReplicaSets(clients, d),
  };
}

/** A Deployment and its ReplicaSets as one read of this execution found them. */
export interface ReadDeployment {
  deployment: V1Deployment;
  replicaSets: V1ReplicaSet[];
}

/** Reads made once per execution and shared, until the first write (`take`) ends the sharing. */
export class SharedReads implements DeploymentReads {
  private readonly deployments = new Map<string, Promise<V1Deployment>>();
  private readonly histories = new Map<string, Promise<V1ReplicaSet[]>>();
  private open = true;

  constructor(readonly clients: ClusterClients) {}

  deployment(namespace: string, name: string): Promise<V1Deployment> {
    if (!this.open) return this.clients.apps.readNamespacedDeployment({ name, namespace });
    return this.once(this.deployments, `${namespace}/${name}`, () => this.clients.apps.readNamespacedDeployment({ name, namespace }));
  }

  replicaSets(d: V1Deployment): Promise<V1ReplicaSet[]> {
    if (!this.open) return ownedReplicaSets(this.clients, d);
    // Keyed by the Deployment as read: a different read of it (another resourceVersion) reads its history again.
    const key = `${d.metadata?.namespace}/${d.metadata?.name}@${d.metadata?.resourceVersion}`;
    return this.once(this.histories, key, () => ownedReplicaSets(this.clients, d));
  }

  /**
   * Called just before the first write: ends the sharing, and hands over what was read of `name`
   * (undefined if it was not read, or its read failed), for that write's precondition.
   */
  async take(namespace: string, name: string): Promise<ReadDeployment | undefined> {
    if (!this.open) return undefined;
    const read = this.deployments.get(`${namespace}/${name}`);
    this.open = false;
    const deployment = await read?.catch(() => undefined);
    const key = `${namespace}/${name}@${deployment?.metadata?.resourceVersion}`;
    const replicaSets = await this.histories.get(key)?.catch(() => undefined);
    this.deployments.clear();
    this.histories.clear();
    return deployment && replicaSets ? { deployment, replicaSets } : undefined;
  }

  /** Ends the sharing without a write (a step that is not a Deployment's PATCH). */
  close(): void {
    this.open = false;
    this.deployments.clear();
    this.histories.clear();
  }

  private once<T>(cache: Map<string, Promise<T>>, key: string, read: () => Promise<T>): Promise<T> {
    const kept = cache.get(key);
    if (kept) return kept;
    const reading = read();
    cache.set(key, reading);
    // A failed read is not shared: whoever asks next asks the API server again.
    reading.catch(() => {
      if (cache.get(key) === reading) cache.delete(key);
    });
    return reading;
  }
}
