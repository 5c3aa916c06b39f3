import { expect, it } from 'vitest';
import { runView } from '../../src/adapters/http/run-view.js';
import { renderPlanMarkdown } from '../../src/cli/plan-markdown.js';
import { runViewSchema } from '../../src/cli/run-view-schema.js';
import { makeRun } from '../support/builders.js';
import { expectGolden } from '../support/golden.js';

const view = (run = makeRun()) => runViewSchema.parse(JSON.parse(JSON.stringify(runView(run, []))));

it("renders the plan in the guide's Markdown format", () => {
  expectGolden('plan-awaiting.md', renderPlanMarkdown(view()));
});

it('says a blocked plan is blocked instead of asking for approval', () => {
  const text = renderPlanMarkdown(
    view(makeRun({ status: 'blocked', plan: { checks: [{ id: 'migrations', outcome: 'block', message: 'Migration m1 has no down migration.' }] } })),
  );
  expect(text).toContain('- [⛔] Migration m1 has no down migration.');
  expect(text).toContain('**Blocked:**');
  expect(text).not.toContain('Approve this plan');
  expectGolden('plan-blocked.md', text);
});
