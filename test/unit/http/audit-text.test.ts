// Audit details recorded with Slack markup read as plain text in the API, the CLI and exports.
import { describe, expect, it } from 'vitest';
import { plainAuditText } from '../../../src/adapters/http/audit-text.js';

describe('plainAuditText', () => {
  it.each([
    ['approvals: <@U0APPROVE>, <@U0SECOND|bob>', 'approvals: @U0APPROVE, @bob'],
    ['v1.2.1 → v1.2.0 (full), risk MEDIUM, in <#C0INCIDENTS>', 'v1.2.1 → v1.2.0 (full), risk MEDIUM, in #C0INCIDENTS'],
    ['in <#C0INCIDENTS|incidents>', 'in #incidents'],
    ['approvers <!subteam^S0ONCALL|@oncall> and <!subteam^S0OTHER>', 'approvers @oncall and @S0OTHER'],
    [':warning: *Rollback interrupted.* see <https://x.example/r|the run>', 'Rollback interrupted. see the run (https://x.example/r)'],
    ['<!channel> look', '@channel look'],
    ['reason: a &lt;b&gt; &amp; c', 'reason: a <b> & c'],
    ['expired at 2026-11-20T10:30:00.000Z', 'expired at 2026-11-20T10:30:00.000Z'],
    ['image registry.example/api:v1.2.0 and a:b:c', 'image registry.example/api:v1.2.0 and a:b:c'],
    ['2*3*4 stays', '2*3*4 stays'],
  ])('%s', (input, plain) => {
    expect(plainAuditText(input)).toBe(plain);
  });
});
