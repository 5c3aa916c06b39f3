// "Deploy a bad version": what CI does on a bad day. The new image crash-loops in the emulator (so the
// root-cause report has evidence), the Deployments are patched through the Kubernetes API as
// `kubectl set image` would, and the release is recorded through the bot's real API.
import type { KubernetesEmulator } from '../kubernetes/kubernetes-emulator.js';
import { DEMO_COMPONENTS, DEMO_NAMESPACE, demoImage } from './demo-catalog.js';
import { DEMO_COMMAND } from './demo-workspace.js';
import { deploymentBody, postDeployment } from './demo-seed.js';
import type { DemoState } from './demo-state-file.js';
import type { DemoTrigger, TriggerResult } from './demo-trigger.js';

export interface BadDeployContext {
  k8s: KubernetesEmulator;
  botUrl: () => string;
  apiToken: string;
  state: DemoState;
  save: () => void;
  now: () => Date;
}

export function badDeployTrigger(ctx: BadDeployContext): DemoTrigger {
  // Two quick clicks must make two releases one after the other, not two patches racing.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    id: 'deploy-bad-version',
    label: 'Deploy a bad version',
    description: 'CI ships the next checkout release; its API crash-loops.',
    path: '/deploy-bad-version',
    run() {
      const result = queue.then(() => deployBadVersion(ctx));
      queue = result.catch(() => undefined);
      return result;
    },
  };
}

async function deployBadVersion(ctx: BadDeployContext): Promise<TriggerResult> {
  const n = ctx.state.badDeploys + 1;
  const version = `v1.2.${1 + n}`;
  const id = `deploy-${12345 + n}`;
  const crashing = demoImage('checkout-api', version);
  const logLines = [
    `starting checkout-api ${version}`,
    'loading configuration from /etc/checkout/config.yaml',
    'FATAL: required setting PAYMENTS_URL is missing (expected <scheme>://<host>:<port>)',
  ];
  ctx.k8s.setImageBehaviour(crashing, 'crash', { logLines });
  ctx.state.behaviours.push({ image: crashing, behaviour: 'crash', logLines });

  for (const component of DEMO_COMPONENTS) {
    await patchImage(ctx.k8s, component.name, demoImage(component.name, version), `CI release ${version} (${id})`);
  }

  const createdAt = ctx
    .now()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  const entry = {
    recorded: false,
    body: deploymentBody({ id, version, status: 'failed', createdAt, gitSha: gitShaFor(n), verification: { smoke: false } }),
  };
  ctx.state.deployments.push(entry);
  ctx.state.badDeploys = n;
  ctx.save();
  await postDeployment(ctx.botUrl(), ctx.apiToken, entry.body);
  entry.recorded = true;
  ctx.save();
  return {
    message: `CI deployed checkout ${version} (${id}) and its smoke test failed: checkout-api is crash-looping.`,
    // Production rollbacks need a reason (the catalog's requireReasonIn defaults to [production]).
    command: `${DEMO_COMMAND} --failed-deployment-id ${id} --reason "checkout ${version} is crash-looping"`,
  };
}

/** `kubectl set image deployment/<name> <container>=<image>`, as a strategic merge patch. */
async function patchImage(k8s: KubernetesEmulator, name: string, image: string, cause: string): Promise<void> {
  const url = `${k8s.url}/apis/apps/v1/namespaces/${DEMO_NAMESPACE}/deployments/${name}`;
  const patch = {
    metadata: { annotations: { 'kubernetes.io/change-cause': cause } },
    spec: { template: { spec: { containers: [{ name, image }] } } },
  };
  const response = await fetch(url, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${k8s.token}`, 'content-type': 'application/strategic-merge-patch+json' },
    body: JSON.stringify(patch),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`patching deployment ${name} answered ${response.status}: ${text.slice(0, 300)}`);
}

function gitShaFor(n: number): string {
  return (0xa11ce00 + n * 0x1f3d).toString(16).slice(-7);
}
