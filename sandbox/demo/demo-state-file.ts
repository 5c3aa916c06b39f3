// The demo's own memory beside the bot's database: what the emulated cluster looked like, which
// deployments were recorded, and the channel's messages. The emulators live in memory, so without
// this a restart would bring back the crashing cluster while ./data/demo.db says it was rolled back.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { KubernetesEmulator } from '../kubernetes/kubernetes-emulator.js';
import { storefrontStateSchema } from './storefront.js';

const IMAGE_BEHAVIOURS = ['healthy', 'crash', 'oom', 'never-ready', 'image-pull-error', 'unschedulable'] as const;

const demoStateSchema = z.object({
  format: z.literal(1),
  cluster: z.array(
    z.object({
      name: z.string(),
      replicas: z.number().int().min(0),
      /** container → image per revision, oldest first; the last one is what runs now. */
      revisions: z.array(z.record(z.string(), z.string())).min(1),
    }),
  ),
  behaviours: z.array(z.object({ image: z.string(), behaviour: z.enum(IMAGE_BEHAVIOURS), logLines: z.array(z.string()) })),
  /** Deployment records (the /api/v1/deployments body) in the order they were made, and whether the bot has them. */
  deployments: z.array(z.object({ recorded: z.boolean(), body: z.record(z.string(), z.unknown()) })),
  /** How many "bad versions" the button has deployed, to name the next one. */
  badDeploys: z.number().int().min(0),
  /** The channel's messages (fake Slack records); checked one by one when restored. */
  slackMessages: z.array(z.unknown()).default([]),
  /** The second service (storefront.ts); absent in state files from before it existed. */
  storefront: storefrontStateSchema.optional(),
});

export type DemoState = z.infer<typeof demoStateSchema>;

/** `data/demo.db` → `data/demo.state.json`. */
export function statePathFor(databasePath: string): string {
  return databasePath.replace(/\.db$/, '') + '.state.json';
}

/** Everything --reset removes: the database with its WAL files, and the demo state. */
export function demoFiles(databasePath: string): string[] {
  return [databasePath, `${databasePath}-wal`, `${databasePath}-shm`, statePathFor(databasePath)];
}

export function resetDemoFiles(databasePath: string): void {
  for (const file of demoFiles(databasePath)) rmSync(file, { force: true });
}

/**
 * The saved state, or undefined when there is none that matches the database: a database without
 * its state (or the reverse) cannot be made consistent again, so the caller starts fresh.
 */
export function loadDemoState(databasePath: string): DemoState | undefined {
  const path = statePathFor(databasePath);
  if (!existsSync(path) || !existsSync(databasePath)) return undefined;
  try {
    const parsed = demoStateSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function saveDemoState(databasePath: string, state: DemoState): void {
  const path = statePathFor(databasePath);
  mkdirSync(dirname(path), { recursive: true });
  // Write then rename, so a Ctrl-C halfway leaves the previous state and not half a file.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(state, null, 2) + '\n');
  renameSync(temporary, path);
}

/** The cluster as seed input: each Deployment's revisions, read from its ReplicaSets. */
export function captureCluster(k8s: KubernetesEmulator, namespace: string): DemoState['cluster'] {
  return k8s.listDeployments(namespace).map((d) => {
    const owned = k8s
      .listReplicaSets(namespace)
      .filter((rs) => (rs.metadata.ownerReferences ?? []).some((r) => r.uid === d.metadata.uid))
      .sort((a, b) => revision(a) - revision(b));
    const imagesOf = (containers: Array<{ name: string; image: string }>) => Object.fromEntries(containers.map((c) => [c.name, c.image]));
    const revisions = owned.map((rs) => imagesOf(rs.spec.template.spec?.containers ?? []));
    const current = imagesOf(d.spec.template.spec?.containers ?? []);
    // Just after a patch the controller may not have made the new ReplicaSet yet: the template wins.
    const last = revisions[revisions.length - 1];
    if (!last || JSON.stringify(last) !== JSON.stringify(current)) {
      const i = revisions.findIndex((r) => JSON.stringify(r) === JSON.stringify(current));
      if (i !== -1) revisions.splice(i, 1);
      revisions.push(current);
    }
    return { name: d.metadata.name, replicas: d.spec.replicas ?? 1, revisions };
  });
}

function revision(rs: { metadata: { annotations?: Record<string, string> } }): number {
  return Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
}
