// The audit export's query string (GET /api/v1/rollbacks), parsed with zod like every other input:
// an unknown parameter, a status that does not exist or a cursor that was not ours is a 400 that
// names the parameter, never an empty page that looks like "no rollbacks".
import { z } from 'zod';
import { ID_PATTERN } from '../../core/command.js';
import { RUN_STATUSES, type RunStatus } from '../../core/model.js';
import type { RunFilter } from '../../core/ports.js';
import { HttpError } from './http-kit.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

const cursorBody = z.strictObject({ c: z.iso.datetime(), i: z.string().regex(ID_PATTERN) });

const querySchema = z.strictObject(
  {
    service: z.string().regex(ID_PATTERN, { error: 'must be a service name from the catalog' }).optional(),
    status: z
      .string()
      .transform((text) =>
        text
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(
        z
          .array(
            z.enum(RUN_STATUSES as [RunStatus, ...RunStatus[]], { error: `must be one or more of ${RUN_STATUSES.join(', ')}, separated by commas` }),
          )
          .min(1, { error: 'name at least one status' }),
      )
      .optional(),
    // A date alone means its midnight UTC: `since=2026-11-01` is how a monthly export asks.
    since: z
      .union([z.iso.datetime({ offset: true }), z.iso.date()], {
        error: 'must be an ISO 8601 time with a zone, such as 2026-11-20T10:30:00Z, or a date such as 2026-11-20',
      })
      .optional(),
    limit: z
      .string()
      .regex(/^\d+$/, { error: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
      .transform(Number)
      .pipe(
        z
          .number()
          .int()
          .min(1, { error: 'must be at least 1' })
          .max(MAX_PAGE_SIZE, { error: `must be at most ${MAX_PAGE_SIZE}` }),
      )
      .default(DEFAULT_PAGE_SIZE),
    cursor: z
      .string()
      .max(512)
      .transform((text, ctx) => {
        const decoded = decodeCursor(text);
        if (!decoded) {
          ctx.addIssue({ code: 'custom', message: 'is not a cursor this API gave out: pass nextCursor from the previous page unchanged' });
          return z.NEVER;
        }
        return decoded;
      })
      .optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown parameter(s) ${issue.keys.join(', ')}; known: service, status, since, limit, cursor` : undefined,
  },
);

export function parseListQuery(search: URLSearchParams): RunFilter {
  const raw: Record<string, string> = {};
  const repeated = new Set<string>();
  for (const [key, value] of search) {
    if (key in raw) repeated.add(key);
    // `?status=failed&status=cancelled` means both, as `?status=failed,cancelled` does.
    raw[key] = key in raw && key === 'status' ? `${raw[key]},${value}` : value;
  }
  const issues = [...repeated].filter((key) => key !== 'status').map((key) => ({ path: key, message: 'give this parameter once' }));
  const result = querySchema.safeParse(raw);
  if (!result.success) issues.push(...result.error.issues.map((i) => ({ path: String(i.path[0] ?? ''), message: i.message })));
  if (issues.length > 0 || !result.success) {
    throw new HttpError(400, `The query is not valid: ${issues.map((i) => `${i.path || '(query)'}: ${i.message}`).join('; ')}`, issues);
  }
  const q = result.data;
  return {
    limit: q.limit,
    ...(q.service ? { service: q.service } : {}),
    ...(q.status ? { statuses: [...new Set(q.status)] } : {}),
    ...(q.since ? { since: new Date(q.since.length === 10 ? `${q.since}T00:00:00Z` : q.since).toISOString() } : {}),
    ...(q.cursor ? { after: q.cursor } : {}),
  };
}

/** Opaque to clients (base64url JSON), so its shape may change without breaking a script that passes it on. */
export function encodeCursor(run: { createdAt: string; id: string }): string {
  return Buffer.from(JSON.stringify({ c: run.createdAt, i: run.id })).toString('base64url');
}

function decodeCursor(text: string): { createdAt: string; id: string } | undefined {
  try {
    const parsed = cursorBody.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return parsed.success ? { createdAt: parsed.data.c, id: parsed.data.i } : undefined;
  } catch {
    return undefined;
  }
}
