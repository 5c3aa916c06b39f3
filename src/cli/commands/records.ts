// `record-deployment`, `status` and `report`: thin, but every input parsed and every answer checked.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { ApiClient } from '../api-client.js';
import { CliError, EXIT, type ExitCode } from '../exit-codes.js';
import { runViewSchema } from '../run-view-schema.js';
import type { Output } from './rollback.js';

const recordAnswer = z.object({ id: z.string(), outcome: z.string() });

export async function recordDeploymentCommand(api: ApiClient, args: string[], io: Output): Promise<ExitCode> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      file: { type: 'string' },
      id: { type: 'string' },
      service: { type: 'string' },
      environment: { type: 'string', default: 'production' },
      version: { type: 'string' },
      status: { type: 'string', default: 'succeeded' },
      'created-at': { type: 'string' },
      'created-by': { type: 'string', default: 'ci' },
      'git-sha': { type: 'string' },
      component: { type: 'string', multiple: true },
    },
  });
  let body: unknown;
  if (values.file) {
    try {
      body = JSON.parse(readFileSync(values.file, 'utf8'));
    } catch (error) {
      throw new CliError(`Cannot read ${values.file} as JSON: ${error instanceof Error ? error.message : String(error)}`, EXIT.usage);
    }
  } else {
    if (!values.id || !values.service || !values.version || !values.component?.length) {
      throw new CliError('Give --file deploy.json, or --id, --service, --version and at least one --component name=image.', EXIT.usage);
    }
    const components = Object.fromEntries(
      values.component.map((c) => {
        const eq = c.indexOf('=');
        if (eq <= 0) throw new CliError(`--component takes name=image, got "${c}".`, EXIT.usage);
        return [c.slice(0, eq), { image: c.slice(eq + 1) }];
      }),
    );
    body = {
      id: values.id,
      service: values.service,
      environment: values.environment,
      version: values.version,
      status: values.status,
      createdAt: values['created-at'] ?? new Date().toISOString(),
      createdBy: values['created-by'],
      components,
      ...(values['git-sha'] ? { gitSha: values['git-sha'] } : {}),
    };
  }
  const { status, body: answer } = await api.request('POST', '/api/v1/deployments', recordAnswer, body);
  io.out(status === 201 ? `Recorded deployment ${answer.id}.` : `Deployment ${answer.id} was already recorded with this body.`);
  return EXIT.ok;
}

export async function statusCommand(api: ApiClient, args: string[], io: Output): Promise<ExitCode> {
  const runId = single(args, 'status <run-id>');
  const { body: view } = await api.request('GET', `/api/v1/rollbacks/${encodeURIComponent(runId)}`, runViewSchema);
  io.out(
    [
      `Run ${view.id}: ${view.status} — ${view.service} ${view.fromVersion} → ${view.toVersion} (${view.strategy}, risk ${view.risk})`,
      ...view.timeline.map((e) => `  ${e.at}  ${e.type.padEnd(12)} ${e.actor.kind}:${e.actor.id}  ${e.detail}`),
    ].join('\n'),
  );
  return EXIT.ok;
}

export async function reportCommand(api: ApiClient, args: string[], io: Output): Promise<ExitCode> {
  const runId = single(args, 'report <run-id>');
  io.out(await api.text(`/api/v1/rollbacks/${encodeURIComponent(runId)}/report`));
  io.out(await api.text(`/api/v1/rollbacks/${encodeURIComponent(runId)}/report?format=text`));
  return EXIT.ok;
}

function single(args: string[], usage: string): string {
  const [value, ...rest] = args;
  if (!value || rest.length > 0 || value.startsWith('-')) throw new CliError(`Usage: smartspec-rollback ${usage}`, EXIT.usage);
  return value;
}
