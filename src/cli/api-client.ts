// The CLI talks to the running bot over /api/v1 with the bearer token, like any CI job would.
import type { z } from 'zod';
import { CliError, EXIT } from './exit-codes.js';

export interface ApiClientOptions {
  baseUrl: string;
  token: string;
  timeoutMs?: number;
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  async request<T>(method: 'GET' | 'POST', path: string, schema: z.ZodType<T>, body?: unknown): Promise<ApiAnswer<T>> {
    const raw = await this.send(method, path, body, 'application/json');
    let json: unknown;
    try {
      json = JSON.parse(raw.text);
    } catch {
      throw new CliError(`The bot answered ${raw.status} with a body that is not JSON.`, EXIT.failed);
    }
    if (raw.status >= 400) throw errorFor(raw.status, json);
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new CliError(
        `The bot's answer to ${method} ${path} has an unexpected shape: ${parsed.error.issues[0]?.message ?? ''}. Is the CLI the same version as the bot?`,
        EXIT.failed,
      );
    return { status: raw.status, body: parsed.data };
  }

  async text(path: string): Promise<string> {
    const raw = await this.send('GET', path, undefined, 'text/markdown');
    if (raw.status >= 400) {
      let json: unknown;
      try {
        json = JSON.parse(raw.text);
      } catch {
        json = { error: raw.text.slice(0, 200) };
      }
      throw errorFor(raw.status, json);
    }
    return raw.text;
  }

  private async send(method: string, path: string, body: unknown, accept: string): Promise<{ status: number; text: string }> {
    try {
      const response = await fetch(new URL(path, this.options.baseUrl), {
        method,
        headers: { authorization: `Bearer ${this.options.token}`, accept, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
      return { status: response.status, text: await response.text() };
    } catch (error) {
      const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      throw new CliError(`Cannot reach the bot at ${this.options.baseUrl}: ${cause}. Check SMARTSPEC_URL.`, EXIT.failed);
    }
  }
}

function errorFor(status: number, json: unknown): CliError {
  const body = json as { error?: string; issues?: Array<{ path: string; message: string }> };
  const detail = body.issues?.length ? ` (${body.issues.map((i) => `${i.path || 'body'}: ${i.message}`).join('; ')})` : '';
  const message = `${body.error ?? `HTTP ${status}`}${detail}`;
  if (status === 401) return new CliError(`${message} Set SMARTSPEC_API_TOKEN to the bot's API token.`, EXIT.usage);
  if (status === 403) return new CliError(message, EXIT.blocked);
  if (status >= 500) return new CliError(message, EXIT.failed);
  return new CliError(message, EXIT.usage);
}
