// The production build: src/main.ts and src/cli.ts, each bundled with its dependencies into one ES
// module in dist/. One file loads in a fraction of the time that resolving ~2,000 modules takes
// (@kubernetes/client-node alone is over a thousand files), which is most of the bot's start-up.
// Native addons and optional drivers stay external: they are loaded from node_modules at run time.
// The metafile is kept (dist/meta.json) so a test can prove which sources went in.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';

/** Loaded from node_modules at run time: native addons, and pg's optional native binding. */
export const EXTERNAL_PACKAGES = ['better-sqlite3', 'pg-native'];

export const ENTRY_POINTS = { main: 'src/main.ts', cli: 'src/cli.ts' } as const;

export interface BundleOptions {
  /** The project root (where package.json and node_modules are). */
  root: string;
  outDir: string;
  /** Only these entries (default: all). */
  entries?: Array<keyof typeof ENTRY_POINTS>;
  sourcemap?: boolean;
}

export async function bundleProduct(options: BundleOptions): Promise<Metafile> {
  const entries = options.entries ?? (Object.keys(ENTRY_POINTS) as Array<keyof typeof ENTRY_POINTS>);
  mkdirSync(options.outDir, { recursive: true });
  const result = await build({
    absWorkingDir: options.root,
    entryPoints: Object.fromEntries(entries.map((name) => [name, ENTRY_POINTS[name]])),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir: options.outDir,
    outExtension: { '.js': '.mjs' },
    external: EXTERNAL_PACKAGES,
    sourcemap: options.sourcemap ?? true,
    metafile: true,
    logLevel: 'warning',
    // Some dependencies are CommonJS and call require(): give the ES module bundle one.
    banner: { js: "import { createRequire as __smartspecRequire } from 'node:module'; const require = __smartspecRequire(import.meta.url);" },
  });
  return result.metafile;
}

// `npm run build`: dist/main.mjs, dist/cli.mjs and dist/meta.json.
if (import.meta.url === `file://${process.argv[1]}`) {
  const root = join(import.meta.dirname, '..');
  const outDir = join(root, 'dist');
  rmSync(outDir, { recursive: true, force: true });
  const metafile = await bundleProduct({ root, outDir });
  writeFileSync(join(outDir, 'meta.json'), JSON.stringify(metafile));
  const sizes = Object.entries(metafile.outputs).filter(([file]) => file.endsWith('.mjs')).map(([file, out]) => `${file} ${(out.bytes / 1024 / 1024).toFixed(1)} MiB`);
  process.stdout.write(`built ${sizes.join(', ')}\n`);
}
