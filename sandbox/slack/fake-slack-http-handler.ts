import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './fake-slack-api-args.js';
import { parseApiRequest, readBody } from './fake-slack-http-request.js';
import { handleResponseUrlPost } from './fake-slack-response-url.js';
import { WEB_API_METHODS } from './fake-slack-web-api-methods.js';
import type { FakeSlackWorkspace } from './fake-slack-workspace.js';

/**
 * Routes one HTTP request to the fake: `/api/<method>` (Slack's Web API) or
 * `POST /response/<id>` (a response_url). Everything else is 404.
 */
export async function handleFakeSlackRequest(ws: FakeSlackWorkspace, botToken: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname.startsWith('/api/')) {
    await handleApi(ws, botToken, url.pathname.slice('/api/'.length), url.searchParams, req, res);
    return;
  }
  if (url.pathname.startsWith('/response/') && req.method === 'POST') {
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8')) as unknown;
    } catch {
      body = undefined; // answered as invalid_payload
    }
    const id = decodeURIComponent(url.pathname.slice('/response/'.length));
    const answer = handleResponseUrlPost(ws, id, body);
    sendJson(res, answer.status, answer.body, answer.headers);
    return;
  }
  sendJson(res, 404, { ok: false, error: 'not_found' });
}

/** Slack's order: arguments readable, method known, token present and right, then the call. */
async function handleApi(
  ws: FakeSlackWorkspace,
  botToken: string,
  method: string,
  query: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const parsed = await parseApiRequest(req, await readBody(req), query);
  const args = parsed.ok ? parsed.args : {};
  const answer = (status: number, body: Record<string, unknown>, headers?: Record<string, string>) => {
    ws.recordCall({
      method,
      args,
      at: ws.now(),
      httpStatus: status,
      ok: body.ok === true,
      ...(typeof body.error === 'string' ? { error: body.error } : {}),
    });
    sendJson(res, status, body, headers);
  };

  if (!parsed.ok) return answer(200, { ok: false, error: parsed.error });
  const handler = WEB_API_METHODS[method];
  if (!handler) return answer(200, { ok: false, error: 'unknown_method', req_method: method });
  if (parsed.token === undefined || parsed.token === '') {
    return answer(200, { ok: false, error: 'not_authed' });
  }
  if (parsed.token !== botToken) return answer(200, { ok: false, error: 'invalid_auth' });

  const failure = ws.takeFailure(method);
  if (failure) {
    const headers = failure.retryAfterSeconds !== undefined ? { 'retry-after': String(failure.retryAfterSeconds) } : undefined;
    return answer(failure.httpStatus, { ok: false, error: failure.error }, headers);
  }
  try {
    return answer(200, handler(ws, args));
  } catch (error) {
    if (error instanceof ApiError) return answer(200, error.toBody());
    throw error;
  }
}

function sendJson(res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
