// Tests that drive a real tool a fresh machine may lack (Debian's chromium, kubectl, prometheus, …).
// The README promises `npm install && npm test` passes with only Node and npm, so on a developer
// machine such a test file is skipped with one line naming the package to install. `.ci/run` installs
// every such tool and sets CI=true: there a missing tool is a failure, never a silent skip.
// Nothing else in the suite may be skipped; this is the only door.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { describe, it } from 'vitest';

export interface ToolRequirement {
  /** The executable's name, looked up on PATH (and in the usual system directories). */
  command: string;
  /** The Debian package that provides it: what the skip line tells a developer to install. */
  debianPackage: string;
  /** An environment variable that may name the executable's path instead (e.g. CHROMIUM_PATH). */
  pathVariable?: string;
}

// Debian puts some tools in sbin, which a non-root PATH may lack.
const SYSTEM_DIRS = ['/usr/local/bin', '/usr/bin', '/bin', '/usr/local/sbin', '/usr/sbin', '/sbin'];

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The resolved path of the tool, or undefined when this machine does not have it. */
export function requiredTool(tool: ToolRequirement): string | undefined {
  const override = tool.pathVariable ? process.env[tool.pathVariable] : undefined;
  if (override) return isAbsolute(override) && isExecutableFile(override) ? override : undefined;
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter((d) => d !== '');
  for (const dir of [...dirs, ...SYSTEM_DIRS]) {
    const candidate = join(dir, tool.command);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

export function isCi(): boolean {
  return process.env['CI'] === 'true';
}

/** What to do about a missing tool, in one line. */
export function missingToolMessage(tool: ToolRequirement): string {
  const where = tool.pathVariable && process.env[tool.pathVariable] ? `${tool.pathVariable}=${process.env[tool.pathVariable]} is not an executable file` : `\`${tool.command}\` is not on PATH`;
  return `${where}: install Debian's ${tool.debianPackage} package (apt-get install ${tool.debianPackage})`;
}

const announced = new Set<string>();

/**
 * `describe`, but only where the tool exists. The body receives the tool's resolved path.
 * Missing tool, CI=true: the suite holds one failing test that says what to install.
 * Missing tool elsewhere: the suite is skipped and one line says what to install.
 * Put the file's beforeAll/afterAll inside the body, so nothing starts for a skipped suite.
 */
export function describeWithTool(tool: ToolRequirement, name: string, body: (toolPath: string) => void): void {
  const path = requiredTool(tool);
  if (path) {
    describe(name, () => body(path));
    return;
  }
  const message = missingToolMessage(tool);
  if (isCi()) {
    describe(name, () => {
      it(`has ${tool.command} installed (CI=true: a missing tool fails the suite)`, () => {
        throw new Error(`${message}. .ci/run installs it; a CI machine without it cannot run these tests.`);
      });
    });
    return;
  }
  if (!announced.has(tool.command)) {
    announced.add(tool.command);
    // Straight to stderr, so it is one line, not a console block with a header per test.
    process.stderr.write(`skipped "${name}": ${message}\n`);
  }
  // The body is not collected: it may need the path to set anything up.
  describe.skip(name, () => {
    it.skip(`needs ${tool.command}: apt-get install ${tool.debianPackage}`, () => undefined);
  });
}
