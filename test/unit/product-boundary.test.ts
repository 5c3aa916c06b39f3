// The product stands apart from its emulators: what `npm run build` bundles and the image ships
// is src/ alone, src/ imports nothing from sandbox/, and the runtime needs no devDependency.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleProduct } from '../../scripts/bundle.js';

const ROOT = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts)$/.test(entry.name) ? [path] : [];
  });
}

function importSpecifiers(source: string): string[] {
  const specifiers: string[] = [];
  for (const match of source.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    specifiers.push((match[1] ?? match[2])!);
  }
  return specifiers;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

describe('the product boundary', () => {
  const files = sourceFiles(join(ROOT, 'src'));

  it('src/ imports nothing from sandbox/ or test/', () => {
    const offenders = files.flatMap((file) =>
      importSpecifiers(readFileSync(file, 'utf8'))
        .filter((s) => s.startsWith('.'))
        .map((s) => relative(ROOT, resolve(file, '..', s)))
        .filter((target) => !target.startsWith('src/'))
        .map((target) => `${relative(ROOT, file)} → ${target}`),
    );
    expect(offenders).toEqual([]);
  });

  it('src/ needs only runtime dependencies and Node built-ins', () => {
    const builtins = new Set(builtinModules);
    const missing = files.flatMap((file) =>
      importSpecifiers(readFileSync(file, 'utf8'))
        .filter((s) => !s.startsWith('.') && !s.startsWith('node:'))
        .filter((s) => !builtins.has(s) && !(packageName(s) in pkg.dependencies))
        .map((s) => `${relative(ROOT, file)} imports ${s}`),
    );
    expect(missing).toEqual([]);
  });

  it('the production bundle holds no file from sandbox/ or test/, and no devDependency', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'smartspec-bundle-'));
    try {
      const metafile = await bundleProduct({ root: ROOT, outDir, sourcemap: false });
      const inputs = Object.keys(metafile.inputs);
      const ours = inputs.filter((file) => !file.includes('node_modules/'));
      expect(ours.length).toBeGreaterThan(50);
      expect(ours.filter((file) => !file.startsWith('src/'))).toEqual([]);
      // The lockfile marks what only development needs ("dev": true); ws, say, is a devDependency
      // of ours but also a dependency of Bolt's Socket Mode, so it is not dev-only.
      const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
      const devOnly = Object.entries(lock.packages)
        .filter(([, entry]) => entry.dev)
        .map(([path]) => path.replace(/^.*node_modules\//, ''));
      const packagesIn = new Set(
        inputs.flatMap((file) => {
          const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
          return match ? [match[1]!] : [];
        }),
      );
      expect(devOnly.filter((name) => packagesIn.has(name))).toEqual([]);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});
