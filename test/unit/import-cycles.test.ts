// The cycle check that `npm test` runs over src/: it passes on the product and fails on a cycle.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cycles-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('scripts/import-cycles.mjs', () => {
  it('finds no cycle in src/', async () => {
    const result = await execa('node', ['scripts/import-cycles.mjs', 'src'], { reject: false });
    expect(result.stdout).toMatch(/^0 import cycle\(s\)/m);
    expect(result.exitCode).toBe(0);
  });

  it('fails on a value-import cycle and names it; type-only imports do not count', async () => {
    const dir = tree({
      'a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'b.ts': "import { c } from './c.js';\nexport const b = () => c;\n",
      'c.ts': "import { a } from './a.js';\nexport const c = () => a;\n",
      'd.ts': "import type { e } from './e.js';\nexport const d = 1;\n",
      'e.ts': "import { d } from './d.js';\nexport const e = d;\n",
    });
    const result = await execa('node', ['scripts/import-cycles.mjs', dir], { reject: false });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/cycle: .*a\.ts -> .*b\.ts -> .*c\.ts -> .*a\.ts/);
    expect(result.stdout).not.toMatch(/d\.ts -> .*e\.ts/);
    expect(result.stdout).toMatch(/1 import cycle\(s\)/);
  });
});
