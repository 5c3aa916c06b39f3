// Golden files: the rendered output is compared with a checked-in file. UPDATE_GOLDEN=1 rewrites them,
// and the diff then shows in review exactly what a person would see change. With CI=true nothing is
// ever written: a missing golden fails, and UPDATE_GOLDEN is ignored.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';

const GOLDEN_DIR = join(import.meta.dirname, '..', 'fixtures', 'golden');

export function expectGolden(name: string, actual: unknown): void {
  const path = join(GOLDEN_DIR, name);
  const text = typeof actual === 'string' ? actual : `${JSON.stringify(actual, null, 2)}\n`;
  // CI only compares: a golden it wrote would pass whatever the code rendered.
  if (process.env['CI'] === 'true') {
    if (!existsSync(path))
      throw new Error(
        `golden file test/fixtures/golden/${name} is missing; CI never writes goldens: run the test locally (UPDATE_GOLDEN=1 to rewrite) and commit the file`,
      );
  } else if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  expect(text).toBe(readFileSync(path, 'utf8'));
}
