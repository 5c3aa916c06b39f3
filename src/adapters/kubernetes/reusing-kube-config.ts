// @kubernetes/client-node 2.0 builds a new undici Agent — its own connection pool — for every API
// request to a cluster with TLS settings (a CA, a client certificate, skip-verify; in-cluster always):
// each request opens a new connection and does a new TLS handshake, and every Agent, with its idle
// socket, stays in memory until its keep-alive lapses and the collector finds it (about one Agent per
// API call: ~50 per rollback). The library caches its https.Agent per cluster and user, not its fetch
// dispatcher; this does the same for the dispatcher, keyed also by the TLS material itself, so a CA
// or client certificate rotated on disk still gets a fresh pool (and the old one is closed).
import { createHash } from 'node:crypto';
import { bufferFromFileOrString, KubeConfig, type RequestContext } from '@kubernetes/client-node';

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

export class ReusingKubeConfig extends KubeConfig {
  private readonly dispatchers = new Map<string, { fingerprint: string; dispatcher: Dispatcher }>();

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getDispatcher();
    if (!fresh) return; // plain HTTP without TLS settings: the global dispatcher, shared already
    const cluster = this.getCurrentCluster();
    const user = this.getCurrentUser();
    const key = JSON.stringify([cluster?.name ?? '', user?.name ?? '']);
    const fingerprint = tlsFingerprint(this);
    const kept = this.dispatchers.get(key);
    if (kept?.fingerprint === fingerprint) {
      context.setDispatcher(kept.dispatcher);
      void fresh.close().catch(() => undefined); // never used: it has no connection to wait for
      return;
    }
    this.dispatchers.set(key, { fingerprint, dispatcher: fresh });
    // Requests already using the old pool finish first; its idle sockets are released.
    if (kept) void kept.dispatcher.close().catch(() => undefined);
  }

  /** Closes the kept pools (shutdown, tests). */
  async closeDispatchers(): Promise<void> {
    const all = [...this.dispatchers.values()];
    this.dispatchers.clear();
    await Promise.allSettled(all.map((d) => d.dispatcher.close()));
  }
}

/** What the dispatcher's TLS options are made of, for the current cluster and user. */
function tlsFingerprint(config: KubeConfig): string {
  const cluster = config.getCurrentCluster();
  const user = config.getCurrentUser();
  const hash = createHash('sha256');
  hash.update(JSON.stringify([cluster?.server, cluster?.proxyUrl, cluster?.skipTLSVerify, cluster?.tlsServerName]));
  for (const part of [
    bufferFromFileOrString(cluster?.caFile, cluster?.caData),
    bufferFromFileOrString(user?.certFile, user?.certData),
    bufferFromFileOrString(user?.keyFile, user?.keyData),
  ]) {
    hash.update(part ?? '-');
    hash.update('\0');
  }
  return hash.digest('hex');
}
