// The golden-file helper never writes when CI=true: a golden CI wrote would pass whatever the code
// rendered. Locally a missing golden is written (and shows in review); UPDATE_GOLDEN=1 rewrites.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectGolden } from '../support/golden.js';

const PROBE_DIR = '__golden-policy-probe__';
const probeFile = (name: string) => join(import.meta.dirname, '..', 'fixtures', 'golden', PROBE_DIR, name);

afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(join(import.meta.dirname, '..', 'fixtures', 'golden', PROBE_DIR), { recursive: true, force: true });
});

describe('expectGolden', () => {
  it('fails on a missing golden with CI=true, and writes nothing', () => {
    vi.stubEnv('CI', 'true');
    vi.stubEnv('UPDATE_GOLDEN', '1');
    expect(() => expectGolden(`${PROBE_DIR}/missing.txt`, 'rendered\n')).toThrow(/missing; CI never writes goldens/);
    expect(existsSync(probeFile('missing.txt'))).toBe(false);
  });

  it('ignores UPDATE_GOLDEN with CI=true: a changed rendering fails and the golden is untouched', () => {
    mkdirSync(join(probeFile('x'), '..'), { recursive: true });
    writeFileSync(probeFile('kept.txt'), 'old\n');
    vi.stubEnv('CI', 'true');
    vi.stubEnv('UPDATE_GOLDEN', '1');
    expect(() => expectGolden(`${PROBE_DIR}/kept.txt`, 'new\n')).toThrow();
    expect(readFileSync(probeFile('kept.txt'), 'utf8')).toBe('old\n');
  });

  it('writes a missing golden outside CI, and rewrites one under UPDATE_GOLDEN=1', () => {
    vi.stubEnv('CI', '');
    vi.stubEnv('UPDATE_GOLDEN', '');
    expectGolden(`${PROBE_DIR}/new.json`, { a: 1 });
    expect(readFileSync(probeFile('new.json'), 'utf8')).toBe('{\n  "a": 1\n}\n');
    expect(() => expectGolden(`${PROBE_DIR}/new.json`, { a: 2 })).toThrow();
    vi.stubEnv('UPDATE_GOLDEN', '1');
    expectGolden(`${PROBE_DIR}/new.json`, { a: 2 });
    expect(readFileSync(probeFile('new.json'), 'utf8')).toBe('{\n  "a": 2\n}\n');
  });
});
