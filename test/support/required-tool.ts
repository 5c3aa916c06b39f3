// Tests that drive a real tool a fresh machine may lack (Debian's chromium, kubectl, prometheus, …).
// The README promises `npm install && npm test` passes with only Node and npm, so on a developer
// machine such a test file is skipped with one line naming the package to install. `.ci/run` installs
// every such tool and sets CI=true: there a missing tool is a failure, never a silent skip.
// Nothing else in the suite may be skipped; this is the only door.
import { describe, it } from 'vitest';
import { isCi, missingToolMessage, requiredTool, type ToolRequirement } from './find-tool.js';

export { isCi, missingToolMessage, requiredTool, type ToolRequirement };

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
