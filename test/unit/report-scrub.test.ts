// Secrets are scrubbed on every path a report takes: thread blocks, fallback texts, Markdown, the CLI
// tree and the `status` text — wherever the secret was planted.
import { describe, expect, it } from 'vitest';
import { renderRootCauseBlocks, rootCauseFallbackText } from '../../src/adapters/slack/blocks/root-cause-blocks.js';
import { renderVerificationBlocks, verificationFallbackText } from '../../src/adapters/slack/blocks/verification-blocks.js';
import type { Evidence } from '../../src/core/evidence.js';
import type { Run } from '../../src/core/model.js';
import { renderMarkdownReport } from '../../src/core/report/markdown-report.js';
import { statusReportText } from '../../src/core/report/run-report.js';
import { renderTreeSummary } from '../../src/core/report/tree-summary.js';
import { scrubDeep, scrubSecrets } from '../../src/core/scrub.js';
import { finishedEvents, finishedRun, INCIDENT, withRecords } from './report-fixtures.js';

const SECRETS = {
  slack: 'xoxb-1111-2222-abcdefghijkl',
  password: 'pa55w0rd-Zq9',
  dsn: 'dsnpass-77Kx',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJl',
  aws: 'AKIAIOSFODNN7EXAMPLE',
  github: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
  azure: 'QWxhZGRpbjpvcGVuIHNlc2FtZQ==',
  bearer: 'bearertok-9f8e7d6c5b4a',
  afterBacktick: 'tailsecret9',
};

const pod = { name: 'api-1', component: 'checkout-api', image: 'registry.example/checkout-api:v1.2.1', phase: 'Running', ready: false, restarts: 2 };

/** A run with a secret in every field that text from outside can reach. */
function plantedRun(): Run {
  const evidence: Evidence = withRecords(
    {
      failedImages: [pod.image],
      pods: [{ ...pod, waitingReason: 'CreateContainerConfigError', waitingMessage: `invalid env: API_TOKEN=${SECRETS.slack}` }],
      warnings: [{ object: 'Pod/api-1', reason: 'Unhealthy', message: `Liveness probe failed: Authorization: Bearer ${SECRETS.bearer}`, count: 3 }],
      logs: [
        {
          pod: 'api-1',
          container: 'api',
          lines: [
            `password=${SECRETS.password}`,
            `dsn postgres://app:${SECRETS.dsn}@db/x`,
            `jwt ${SECRETS.jwt}`,
            `DefaultEndpointsProtocol=https;AccountName=x;AccountKey=${SECRETS.azure};`,
          ],
        },
      ],
      diff: {
        components: [
          {
            component: 'checkout-api',
            images: [],
            env: { added: [], removed: ['DB_PASSWORD'], changed: [] },
            resources: [],
            configHashes: [],
            configRefs: { added: [], removed: [] },
            probes: [{ container: 'api', field: 'livenessProbe', failed: `exec curl -H "X-Api-Key: ${SECRETS.github}" localhost` }],
          },
        ],
      },
    },
    { incident: { id: INCIDENT.id, entries: [{ at: INCIDENT.entries[0]!.at, type: 'trigger_log_entry', summary: `alert from ${SECRETS.aws}` }] } },
  );
  const base = finishedRun(evidence);
  return {
    ...base,
    plan: { ...base.plan, reason: `leaked token=${SECRETS.slack} and password=abc\`${SECRETS.afterBacktick}` },
    verification: {
      ...base.verification!,
      checks: [
        {
          name: `http https://u:${SECRETS.password}@svc/healthz`,
          phase: 'failed',
          measured: `Bearer ${SECRETS.bearer}`,
          threshold: 'HTTP 200',
          durationMs: 1,
          detail: `secret=${SECRETS.dsn}`,
        },
      ],
    },
  };
}

describe('every report output path scrubs secrets', () => {
  const run = plantedRun();
  const outputs: Array<[string, string]> = [
    ['root-cause blocks', JSON.stringify(renderRootCauseBlocks(run))],
    ['root-cause fallback', rootCauseFallbackText(run)],
    ['verification blocks', JSON.stringify(renderVerificationBlocks(run))],
    ['verification fallback', verificationFallbackText(run)],
    ['markdown report', renderMarkdownReport(run, finishedEvents())],
    ['tree summary', renderTreeSummary(run, finishedEvents())],
    ['status text', statusReportText(run, finishedEvents())],
  ];

  it.each(outputs)('%s', (_name, output) => {
    for (const secret of Object.values(SECRETS)) expect(output).not.toContain(secret);
  });

  it('keeps env var names (they are not secrets) and says values are never shown', () => {
    expect(outputs.find(([n]) => n === 'markdown report')?.[1]).toContain('`DB_PASSWORD` removed');
  });
});

describe('scrubSecrets: connection strings and keys', () => {
  it.each([
    [`Server=db;Database=x;User Id=sa;Password=${SECRETS.password};`, SECRETS.password],
    [`mongodb+srv://admin:${SECRETS.dsn}@cluster0.example.net/db`, SECRETS.dsn],
    [`redis://:${SECRETS.dsn}@cache:6379`, SECRETS.dsn],
    [`AccountKey=${SECRETS.azure}`, SECRETS.azure],
    ['https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX', 'XXXXXXXXXXXX'],
    ['glpat-abcdefghijklmnopqrst', 'glpat-abcdefghijklmnopqrst'],
    ['sk_live_abcdefghijklmnop1234', 'sk_live_abcdefghijklmnop1234'],
    ['client_secret: s3cr3t-value', 's3cr3t-value'],
    ['?access_token=tok123456&x=1', 'tok123456'],
  ])('%s', (text, secret) => {
    expect(scrubSecrets(text)).not.toContain(secret);
  });

  it('scrubs every string of a structure and keeps its shape', () => {
    expect(scrubDeep({ a: ['password=x1y2z3'], b: 3, c: { d: 'fine' }, e: null })).toEqual({
      a: ['password=[redacted]'],
      b: 3,
      c: { d: 'fine' },
      e: null,
    });
  });
});
