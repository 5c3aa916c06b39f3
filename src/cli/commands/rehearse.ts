// `rehearse [--service <name>] [--json]`: rehearse rollbacks now (nothing is executed) and print the
// readiness table. Exit 0 when every service is ready, 1 when one is not: a scheduled pipeline can
// page someone on a quiet Tuesday instead of during the incident.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { ApiClient } from '../api-client.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { Output } from './rollback.js';

const readinessSchema = z.object({
  ready: z.boolean(),
  services: z.array(
    z.object({
      service: z.string(),
      environment: z.string(),
      ready: z.boolean(),
      checkedAt: z.string(),
      durationMs: z.number(),
      fromVersion: z.string().optional(),
      toVersion: z.string().optional(),
      steps: z.number(),
      dryRun: z.string(),
      permissions: z.string(),
      targetRevision: z.string(),
      problems: z.array(z.string()),
    }),
  ),
});

export async function rehearseCommand(api: ApiClient, args: string[], io: Output): Promise<ExitCode> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: { service: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const { body } = await api.request('POST', '/api/v1/rehearsals', readinessSchema, values.service ? { service: values.service } : {});
  io.out(values.json ? JSON.stringify(body, null, 2) : renderTable(body));
  return body.ready ? EXIT.ok : EXIT.failed;
}

export function renderTable(table: z.infer<typeof readinessSchema>): string {
  const rows = table.services.map((s) => [
    s.service,
    s.environment,
    s.ready ? 'READY' : 'NOT READY',
    s.fromVersion && s.toVersion ? `${s.fromVersion} → ${s.toVersion}` : '-',
    s.dryRun,
    s.permissions,
    s.targetRevision,
    `${(s.durationMs / 1000).toFixed(1)} s`,
  ]);
  const head = ['SERVICE', 'ENV', 'READINESS', 'ROLLBACK', 'DRY RUN', 'PERMISSIONS', 'TARGET REVISION', 'TOOK'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const problems = table.services
    .filter((s) => !s.ready)
    .flatMap((s) => [``, `${s.service} (${s.environment}) is not ready:`, ...s.problems.map((p) => `  - ${p}`)]);
  return [line(head), ...rows.map(line), ...problems].join('\n');
}
