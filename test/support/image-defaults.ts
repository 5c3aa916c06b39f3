// The runtime settings the image and the Kubernetes manifests give the bot by default (NODE_OPTIONS
// and the like), read from the Dockerfile and deploy/kubernetes/base: the benchmark runs the bot with
// exactly these, and a test holds the two files to the same values. No test framework here (the
// benchmark imports it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** Variables that change how the Node process itself behaves (its heap, its allocator), not the bot's configuration. */
export const RUNTIME_VARIABLES = ['NODE_ENV', 'NODE_OPTIONS', 'MALLOC_ARENA_MAX'] as const;

/** `ENV` instructions of the Dockerfile's last stage (the image that runs), as name → value. */
export function dockerfileRuntimeEnv(root: string): Record<string, string> {
  const text = readFileSync(join(root, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const stages = text.split(/^FROM\s/m);
  const last = stages[stages.length - 1] ?? '';
  const env: Record<string, string> = {};
  for (const line of last.split('\n')) {
    const instruction = /^ENV\s+(.*)$/.exec(line.trim());
    if (!instruction?.[1]) continue;
    // ENV a=b c="d e": name=value pairs, values optionally double-quoted.
    for (const pair of instruction[1].matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|\S*)/g)) {
      env[pair[1]!] = pair[3] ?? pair[2]!;
    }
  }
  return env;
}

/** The `env` of the bot container in deploy/kubernetes/base/deployment.yaml, plain values only. */
export function manifestEnv(root: string): Record<string, string> {
  const docs = parseAllDocuments(readFileSync(join(root, 'deploy', 'kubernetes', 'base', 'deployment.yaml'), 'utf8')).map(
    (d) => d.toJS() as Record<string, any>,
  );
  const deployment = docs.find((d) => d['kind'] === 'Deployment');
  const container = deployment?.['spec']?.['template']?.['spec']?.['containers']?.find((c: { name: string }) => c.name === 'bot');
  if (!container) throw new Error('deploy/kubernetes/base/deployment.yaml: no Deployment with a container named bot');
  return Object.fromEntries(
    (container.env as Array<{ name: string; value?: string }>).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]),
  );
}

/**
 * The runtime variables the bot gets by default in its container: the manifest's value where it sets
 * one (it overrides the image), otherwise the image's.
 */
export function defaultRuntimeEnv(root: string): Record<string, string> {
  const image = dockerfileRuntimeEnv(root);
  const manifest = manifestEnv(root);
  const env: Record<string, string> = {};
  for (const name of RUNTIME_VARIABLES) {
    const value = manifest[name] ?? image[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
