// The core hands domain data to its ports and typed events to its subscribers: only the Slack
// adapter knows Slack's syntax. A mention, channel link or emoji shortcode in src/core fails here.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const SLACK_SYNTAX = /<@|<#|<!(?:subteam|channel|here|everyone)|:[a-z][a-z0-9_+-]*:/;

describe('src/core', () => {
  it('contains no Slack mention, channel link or emoji shortcode', () => {
    const found = files('src/core').flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ where: `${file}:${i + 1}`, line }))
        .filter(({ line }) => SLACK_SYNTAX.test(line)),
    );
    expect(found).toEqual([]);
  });

  it('the check itself catches each kind', () => {
    for (const sample of ['`<@${id}>`', '<#C0INCIDENTS>', '<!subteam^S0ONCALL>', ':warning: *Step failed*'])
      expect(SLACK_SYNTAX.test(sample), sample).toBe(true);
    for (const sample of ['https://example.com', 'at 10:30:00Z', 'step 1 of 2']) expect(SLACK_SYNTAX.test(sample), sample).toBe(false);
  });
});
