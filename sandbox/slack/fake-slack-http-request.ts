import type { IncomingMessage } from 'node:http';
import type { ApiArgs } from './fake-slack-api-args.js';

const BODY_LIMIT_BYTES = 10 * 1024 * 1024;

/** Arguments WebClient sends as JSON strings inside a form; recorded (and handled) parsed. */
const JSON_ARGS = ['blocks', 'attachments', 'view', 'metadata'];

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT_BYTES) {
        req.destroy(new Error('request body too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export type ParsedApiRequest = { ok: true; args: ApiArgs; token: string | undefined } | { ok: false; error: string };

/**
 * Reads Web API arguments the ways Slack accepts them: query string, form-encoded body (what
 * WebClient sends, objects as JSON strings), JSON body (token only in the Authorization header,
 * as Slack requires for JSON) and multipart (file uploads; file parts are summarised).
 */
export async function parseApiRequest(req: IncomingMessage, raw: Buffer, query: URLSearchParams): Promise<ParsedApiRequest> {
  const args: ApiArgs = Object.fromEntries(query);
  const rawContentType = String(req.headers['content-type'] ?? '');
  const contentType = rawContentType.toLowerCase();
  let bodyToken: unknown = args.token;

  if (raw.length > 0) {
    if (contentType === '') return { ok: false, error: 'missing_post_type' };
    if (contentType.startsWith('application/x-www-form-urlencoded')) {
      const form = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
      Object.assign(args, form);
      bodyToken = form.token ?? bodyToken;
    } else if (contentType.startsWith('application/json')) {
      let json: unknown;
      try {
        json = JSON.parse(raw.toString('utf8')) as unknown;
      } catch {
        return { ok: false, error: 'invalid_json' };
      }
      if (typeof json !== 'object' || json === null || Array.isArray(json)) {
        return { ok: false, error: 'invalid_json' };
      }
      Object.assign(args, json);
    } else if (contentType.startsWith('multipart/form-data')) {
      const form = await new Request('http://fake.invalid/', {
        method: 'POST',
        // The multipart boundary is case-sensitive: pass the header as received.
        headers: { 'content-type': rawContentType },
        body: raw,
      }).formData();
      for (const [key, value] of form) {
        args[key] = typeof value === 'string' ? value : { filename: value.name, size: value.size, type: value.type };
      }
      bodyToken = typeof args.token === 'string' ? args.token : bodyToken;
    } else {
      return { ok: false, error: 'invalid_post_type' };
    }
  }

  const header = req.headers.authorization;
  const headerToken = header?.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : undefined;
  delete args.token;
  for (const key of JSON_ARGS) {
    const value = args[key];
    if (typeof value !== 'string') continue;
    try {
      args[key] = JSON.parse(value) as unknown;
    } catch {
      // left as a string: the method answers with Slack's format error
    }
  }
  const token = headerToken ?? (typeof bodyToken === 'string' ? bodyToken : undefined);
  return { ok: true, args, token };
}
