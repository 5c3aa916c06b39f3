// The emulated peers' (Prometheus, Alertmanager) optional authentication, answered the way the real
// servers answer it: Debian's prometheus and prometheus-alertmanager with `--web.config.file`
// (basic_auth_users) say 401, `WWW-Authenticate: Basic`, text/plain "Unauthorized"; an auth proxy
// in front of them that takes bearer tokens says the same with `Bearer`.
import type { IncomingMessage, ServerResponse } from 'node:http';

export type RequiredAuth = { basic: { username: string; password: string } } | { bearer: string };

/** The Authorization header the request must carry. */
function expectedHeader(auth: RequiredAuth): string {
  return 'bearer' in auth
    ? `Bearer ${auth.bearer}`
    : `Basic ${Buffer.from(`${auth.basic.username}:${auth.basic.password}`, 'utf8').toString('base64')}`;
}

/** True when the request may go on; otherwise the 401 has been sent. */
export function admitted(auth: RequiredAuth | undefined, req: IncomingMessage, res: ServerResponse): boolean {
  if (!auth || req.headers.authorization === expectedHeader(auth)) return true;
  res
    .writeHead(401, {
      'content-type': 'text/plain; charset=utf-8',
      'www-authenticate': 'bearer' in auth ? 'Bearer' : 'Basic',
      'x-content-type-options': 'nosniff',
    })
    .end('Unauthorized\n');
  return false;
}
