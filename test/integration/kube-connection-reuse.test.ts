// The Kubernetes clients keep one connection pool per cluster: @kubernetes/client-node alone builds
// a new undici Agent for every request to a cluster with TLS settings, so every call opened a new
// connection (and, over TLS, a new handshake) and left an Agent behind for the collector.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig, RequestContext, HttpMethod } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeClients } from '../../src/adapters/kubernetes/kube-clients.js';
import { ReusingKubeConfig } from '../../src/adapters/kubernetes/reusing-kube-config.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** An API server that answers GET /version and counts the TCP connections it accepted. */
async function versionServer(): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ major: '1', minor: '31', gitVersion: 'v1.31.0', platform: 'linux/amd64' }));
  });
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections };
}

function kubeConfig(serverUrl: string, caData?: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'c', server: serverUrl, skipTLSVerify: true, ...(caData ? { caData } : {}) }],
    users: [{ name: 'u', token: 'token-1' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  return config;
}

describe('Kubernetes connection reuse', () => {
  it("sends the calls of a context over the pool's few connections, not one connection per call", async () => {
    const api = await versionServer();
    const clients = new KubeClients(kubeConfig(api.url)).for('ctx');
    for (let i = 0; i < 20; i++) {
      const version = await clients.version.getCode();
      expect(version.gitVersion).toBe('v1.31.0');
    }
    // One after another: the first connection is still finishing its response when the second call
    // starts, so the pool opens a second one; from then on the two are reused (the library alone: 20).
    expect(api.connections()).toBeLessThanOrEqual(2);
  });

  it('keeps one dispatcher per cluster and user, and a fresh one (the old closed) when the TLS material changes', async () => {
    const config = new ReusingKubeConfig();
    const load = (caData: string) =>
      config.loadFromOptions({
        clusters: [{ name: 'c', server: 'https://cluster.example:6443', caData }],
        users: [{ name: 'u', token: 'token-1' }],
        contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
        currentContext: 'ctx',
      });
    const dispatcherOf = async () => {
      const context = new RequestContext('https://cluster.example:6443/version', HttpMethod.GET);
      await config.applySecurityAuthentication(context);
      return context.getDispatcher();
    };
    load(Buffer.from('first CA').toString('base64'));
    const first = await dispatcherOf();
    expect(first).toBeDefined();
    expect(await dispatcherOf()).toBe(first);
    load(Buffer.from('rotated CA').toString('base64'));
    const second = await dispatcherOf();
    expect(second).not.toBe(first);
    expect(await dispatcherOf()).toBe(second);
    expect((first as unknown as { closed: boolean }).closed).toBe(true);
    await config.closeDispatchers();
    expect((second as unknown as { closed: boolean }).closed).toBe(true);
  });
});
