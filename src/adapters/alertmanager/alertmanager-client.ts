// Alertmanager's v2 silences API over fetch. Every answer is parsed, never cast: a proxy's HTML page
// or a different API version is an error that says what came back, not a silence that "worked".
import { z } from 'zod';
import type { AlertmanagerClient, NewSilence, Silence } from '../../core/silences/alert-silences.js';
import { type PeerCredentials, refusedCredentialsMessage } from '../peer-auth/peer-credentials.js';

const matcherSchema = z.object({
  name: z.string(),
  value: z.string(),
  isRegex: z.boolean(),
  // Alertmanager before 0.22 has no negative matchers and omits the field.
  isEqual: z.boolean().default(true),
});
const silenceSchema = z.object({
  id: z.string().min(1),
  status: z.object({ state: z.enum(['active', 'pending', 'expired']) }),
  matchers: z.array(matcherSchema),
  startsAt: z.string(),
  endsAt: z.string(),
  createdBy: z.string(),
  comment: z.string(),
});
const createdSchema = z.object({ silenceID: z.string().min(1) });

export class AlertmanagerError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'AlertmanagerError';
  }
}

export interface AlertmanagerClientOptions {
  /** Each Alertmanager's Authorization header, by base URL (the catalog's `auth`); none means no header. */
  credentials?: PeerCredentials;
}

export class AlertmanagerHttpClient implements AlertmanagerClient {
  constructor(private readonly options: AlertmanagerClientOptions = {}) {}

  async createSilence(url: string, silence: NewSilence, signal: AbortSignal): Promise<string> {
    const body = await this.call(url, 'POST', 'api/v2/silences', signal, silence);
    const created = createdSchema.safeParse(body.json);
    if (!created.success)
      throw new AlertmanagerError(`Alertmanager at ${url} answered the new silence without a silenceID: ${body.text.slice(0, 200)}`);
    return created.data.silenceID;
  }

  async listSilences(url: string, signal: AbortSignal): Promise<Silence[]> {
    const body = await this.call(url, 'GET', 'api/v2/silences', signal);
    const list = z.array(silenceSchema).safeParse(body.json);
    if (!list.success)
      throw new AlertmanagerError(
        `Alertmanager at ${url} answered GET /api/v2/silences with something that is not a list of silences: ${body.text.slice(0, 200)}`,
      );
    return list.data.map(({ status, ...rest }) => ({ ...rest, state: status.state }));
  }

  async expireSilence(url: string, id: string, signal: AbortSignal): Promise<void> {
    try {
      await this.call(url, 'DELETE', `api/v2/silence/${encodeURIComponent(id)}`, signal);
    } catch (error) {
      // Gone is ended. Alertmanager ≥ 0.27 says 404; 0.25 (Debian 12) says 500 "silence not found".
      if (error instanceof AlertmanagerError && /silence not found/.test(error.message)) return;
      throw error;
    }
  }

  async extendSilence(url: string, silence: Silence, endsAt: string, signal: AbortSignal): Promise<void> {
    const { id, matchers, startsAt, createdBy, comment } = silence;
    const body = await this.call(url, 'POST', 'api/v2/silences', signal, { id, matchers, startsAt, endsAt, createdBy, comment });
    if (!createdSchema.safeParse(body.json).success)
      throw new AlertmanagerError(`Alertmanager at ${url} answered the extended silence without a silenceID: ${body.text.slice(0, 200)}`);
  }

  private async call(base: string, method: string, path: string, signal: AbortSignal, payload?: unknown): Promise<{ json: unknown; text: string }> {
    const url = new URL(path, base.endsWith('/') ? base : `${base}/`);
    const credential = this.options.credentials?.for(base);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        signal,
        headers: {
          accept: 'application/json',
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          ...(credential ? { authorization: credential.authorization } : {}),
        },
        ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
      });
    } catch (error) {
      const cause =
        error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
      throw new AlertmanagerError(`Alertmanager at ${base} did not answer ${method} /${path}: ${cause}`);
    }
    // A refusal like any other (the keeper's semantics hold: a silence that could not be made never stops a run).
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new AlertmanagerError(refusedCredentialsMessage('Alertmanager', base, response.status, credential), response.status);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      // Alertmanager's errors are a JSON string or go-swagger's {code, message}.
      const reason = typeof json === 'string' ? json : (z.object({ message: z.string() }).safeParse(json).data?.message ?? text.slice(0, 200));
      throw new AlertmanagerError(`Alertmanager at ${base} refused ${method} /${path} (HTTP ${response.status}): ${reason}`, response.status);
    }
    return { json, text };
  }
}
