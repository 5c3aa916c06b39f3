// The one door through which a test may be skipped: a tool is found on PATH or through its variable,
// and a missing one is named with the Debian package that brings it.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { missingToolMessage, requiredTool } from '../support/required-tool.js';

const dir = mkdtempSync(join(tmpdir(), 'required-tool-'));
const tool = join(dir, 'smartspec-fake-tool');
writeFileSync(tool, '#!/bin/sh\nexit 0\n');
chmodSync(tool, 0o755);
writeFileSync(join(dir, 'not-executable'), 'x');

afterEach(() => vi.unstubAllEnvs());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('requiredTool', () => {
  it('finds an executable on PATH', () => {
    vi.stubEnv('PATH', `/nonexistent:${dir}`);
    expect(requiredTool({ command: 'smartspec-fake-tool', debianPackage: 'fake' })).toBe(tool);
  });

  it('is undefined for a tool that is nowhere, or not executable', () => {
    vi.stubEnv('PATH', dir);
    expect(requiredTool({ command: 'smartspec-no-such-tool', debianPackage: 'fake' })).toBeUndefined();
    expect(requiredTool({ command: 'not-executable', debianPackage: 'fake' })).toBeUndefined();
  });

  it('takes the path from its variable when set, and only from there', () => {
    vi.stubEnv('PATH', dir);
    vi.stubEnv('FAKE_TOOL_PATH', tool);
    expect(requiredTool({ command: 'other-name', debianPackage: 'fake', pathVariable: 'FAKE_TOOL_PATH' })).toBe(tool);
    vi.stubEnv('FAKE_TOOL_PATH', join(dir, 'missing'));
    expect(requiredTool({ command: 'smartspec-fake-tool', debianPackage: 'fake', pathVariable: 'FAKE_TOOL_PATH' })).toBeUndefined();
  });

  it('says what to install, in one line', () => {
    vi.stubEnv('PATH', dir);
    expect(missingToolMessage({ command: 'chromium', debianPackage: 'chromium' })).toBe(
      "`chromium` is not on PATH: install Debian's chromium package (apt-get install chromium)",
    );
    vi.stubEnv('CHROMIUM_PATH', '/opt/none/chromium');
    expect(missingToolMessage({ command: 'chromium', debianPackage: 'chromium', pathVariable: 'CHROMIUM_PATH' })).toBe(
      "CHROMIUM_PATH=/opt/none/chromium is not an executable file: install Debian's chromium package (apt-get install chromium)",
    );
  });
});
