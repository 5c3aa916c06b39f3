// The runtime settings the image and the Kubernetes manifests give the bot by default (NODE_OPTIONS
// and the like, and the Node flags of the image's CMD), read from the Dockerfile, package.json and
// deploy/kubernetes/base: the benchmark runs the bot with exactly these, and a test holds the files
// to the same values. No test framework here (the benchmark imports it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** Variables that change how the Node process itself behaves (its heap, its allocator), not the bot's configuration. */
export const RUNTIME_VARIABLES = ['NODE_ENV', 'NODE_OPTIONS', 'MALLOC_ARENA_MAX'] as const;

function lastDockerfileStage(root: string): string {
  const text = readFileSync(join(root, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const stages = text.split(/^FROM\s/m);
  return stages[stages.length - 1] ?? '';
}

/**
 * The Node flags of the image's `CMD ["node", <flags>…, "dist/main.mjs"]`: V8 flags that NODE_OPTIONS
 * does not accept (`--liftoff-only`) can only be given there.
 */
export function dockerfileNodeFlags(root: string): string[] {
  const cmd = /^CMD\s+(\[.*\])\s*$/m.exec(lastDockerfileStage(root))?.[1];
  if (!cmd) throw new Error('Dockerfile: the last stage has no CMD in exec form');
  return nodeFlagsOf(JSON.parse(cmd) as string[], 'the Dockerfile CMD');
}

/** The Node flags of `npm start` (`node <flags>… dist/main.mjs`). */
export function startScriptNodeFlags(root: string): string[] {
  const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['start'] ?? '';
  return nodeFlagsOf(start.split(/\s+/).filter(Boolean), 'npm start');
}

function nodeFlagsOf(argv: string[], where: string): string[] {
  const [node, ...rest] = argv;
  if (node !== 'node' || rest.at(-1) !== 'dist/main.mjs') throw new Error(`${where} is not \`node [flags] dist/main.mjs\`: ${argv.join(' ')}`);
  return rest.slice(0, -1);
}

/** How the bot runs in its container: the environment that shapes the process, and the flags before its entry. */
export function shippedRuntime(root: string): { env: Record<string, string>; nodeFlags: string[] } {
  return { env: defaultRuntimeEnv(root), nodeFlags: dockerfileNodeFlags(root) };
}

/** `ENV` instructions of the Dockerfile's last stage (the image that runs), as name → value. */
export function dockerfileRuntimeEnv(root: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of lastDockerfileStage(root).split('\n')) {
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
