// The audit trail is enforced by the database, not only by the store's code: whatever connects to
// it (a bug, a migration script, a person with a SQL prompt) cannot delete runs or rewrite history.
import { describe, expect, it } from 'vitest';
import { makeEvent, makeRun, T0 } from '../builders.js';
import type { StoreHarness } from './store-harness.js';

export function describeAuditTrailContract(name: string, h: StoreHarness): void {
  describe(`${name}: the audit trail`, () => {
    it('refuses to delete runs or timeline events, or to rewrite an event', async () => {
      const store = await h.open();
      await store.createRun(makeRun(), makeEvent());
      await expect(h.exec('DELETE FROM timeline')).rejects.toThrow(/never deleted/);
      await expect(h.exec(`UPDATE timeline SET detail = 'rewritten'`)).rejects.toThrow(/append-only/);
      await expect(h.exec('DELETE FROM runs')).rejects.toThrow(/never deleted/);
      expect(await store.timeline('run-1')).toEqual([makeEvent()]);
      expect((await store.getRun('run-1'))?.id).toBe('run-1');
    });

    it('records text with a NUL character in it (binary garbage in a pod log) instead of failing the write', async () => {
      const store = await h.open();
      // PostgreSQL cannot store U+0000 and keeps U+FFFD in its place; SQLite keeps it. Either way nothing is lost but that one character.
      const storable = (value: unknown) => JSON.parse(JSON.stringify(value).replaceAll('\\u0000', '\\ufffd')) as unknown;
      await store.createRun(makeRun({ status: 'verifying', plan: { service: 'nul' } }), makeEvent());
      const event = makeEvent({ type: 'step_done', detail: 'exit 1: \u0000\u0001garbage' });
      await store.appendTimeline(event);
      await store.saveStepResult('run-1', { index: 1, status: 'failed', startedAt: T0, finishedAt: T0, detail: 'stderr: \u0000oops' });
      const rootCause = { causes: [], pods: [], warnings: [], lastLogLines: [{ pod: 'p', container: 'c', lines: ['bin\u0000ary'] }] };
      await store.saveRootCause('run-1', rootCause);
      const run = await store.getRun('run-1');
      expect(storable(run?.rootCause)).toEqual(storable(rootCause));
      expect(storable(run?.stepResults[0]?.detail)).toBe('stderr: \ufffdoops');
      expect(storable((await store.timeline('run-1')).at(-1))).toEqual(storable(event));
    });

    it('remembers a webhook event once, across stores on the same database', async () => {
      const [a, b] = [await h.open(), await h.open()];
      const seen = await Promise.all([a, b, a, b].map((s) => s.rememberEvent('pagerduty', 'evt-1', '2026-11-20T10:00:00.000Z')));
      expect(seen.filter(Boolean)).toHaveLength(1);
      expect(await a.rememberEvent('pagerduty', 'evt-2', '2026-11-20T10:00:00.000Z')).toBe(true);
      expect(await b.rememberEvent('alertmanager', 'evt-1', '2026-11-20T10:00:00.000Z')).toBe(true);
    });

    it('finds the runs planned for an incident, oldest first', async () => {
      const store = await h.open();
      const incident = { id: 'PINC1', title: 'checkout 5xx', triggeredAt: '2026-11-20T09:58:00.000Z' };
      await store.createRun(
        makeRun({ id: 'r2', createdAt: '2026-11-20T10:02:00.000Z', plan: { service: 'a', incident } }),
        makeEvent({ runId: 'r2' }),
      );
      await store.createRun(
        makeRun({ id: 'r1', createdAt: '2026-11-20T10:01:00.000Z', plan: { service: 'b', incident } }),
        makeEvent({ runId: 'r1' }),
      );
      await store.createRun(makeRun({ id: 'r3', plan: { service: 'c' } }), makeEvent({ runId: 'r3' }));
      expect((await store.runsForIncident('PINC1')).map((r) => r.id)).toEqual(['r1', 'r2']);
      expect(await store.runsForIncident('PNONE')).toEqual([]);
    });
  });
}
