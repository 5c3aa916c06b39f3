// Who is calling /api/v1, and what they may do. The admin SMARTSPEC_API_TOKEN may do everything; a
// per-service token (catalog `apiTokens`, kept only as SHA-256) may do its scopes on its services.
// Outside its scope: 403 naming the scope. The token's name is the actor in the audit.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Actor } from '../../core/model.js';
import type { ApiScope, ApiTokenSpec } from '../../core/service.js';
import { HttpError } from './http-kit.js';

export interface ApiPrincipal {
  /** The token's catalog name, or `api-token` for the admin token. */
  name: string;
  admin: boolean;
  scopes: readonly ApiScope[];
  /** Service names, or ['*']. */
  services: readonly string[];
}

const ADMIN: ApiPrincipal = { name: 'api-token', admin: true, scopes: ['record', 'rollback', 'read'], services: ['*'] };
const principals = new WeakMap<IncomingMessage, ApiPrincipal>();

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** 401 unless the bearer token is the admin token or one of `tokens`; remembers the caller for the request. */
export function authenticate(req: IncomingMessage, adminToken: string | undefined, tokens: readonly ApiTokenSpec[]): ApiPrincipal {
  if (!adminToken && tokens.length === 0)
    throw new HttpError(401, 'The API is disabled: set SMARTSPEC_API_TOKEN on the bot, or add apiTokens to the catalog.');
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (!bearer) throw new HttpError(401, 'Missing bearer token: send Authorization: Bearer <token>.');
  const presented = sha256(bearer);
  let found: ApiPrincipal | undefined;
  // Compare against every token in constant time each, so timing says nothing about which one matched.
  if (adminToken && timingSafeEqual(presented, sha256(adminToken))) found = ADMIN;
  for (const t of tokens) {
    if (timingSafeEqual(presented, Buffer.from(t.sha256, 'hex')) && !found)
      found = { name: t.name, admin: false, scopes: t.scopes, services: t.services };
  }
  if (!found) throw new HttpError(401, 'Wrong bearer token.');
  principals.set(req, found);
  return found;
}

/** The caller `authenticate` found for this request. */
export function principalOf(req: IncomingMessage): ApiPrincipal {
  const p = principals.get(req);
  if (!p) throw new Error('principalOf called before authenticate');
  return p;
}

/**
 * 403 unless the caller holds `scope` for `service`. `service` undefined means "any or unknown": a
 * token limited to some services must then say which (e.g. `?service=` on the audit export).
 */
export function requireScope(p: ApiPrincipal, scope: ApiScope, service: string | undefined): void {
  if (!p.scopes.includes(scope)) {
    throw new HttpError(
      403,
      `API token ${p.name} lacks the ${scope} scope (it has ${p.scopes.join(', ')}). Ask for a token with ${scope} in the catalog's apiTokens.`,
    );
  }
  if (p.services.includes('*')) return;
  if (service === undefined) {
    throw new HttpError(
      403,
      `API token ${p.name} has the ${scope} scope only for ${p.services.join(', ')}: name the service (e.g. ?service=${p.services[0]}).`,
    );
  }
  if (!p.services.includes(service)) {
    throw new HttpError(
      403,
      `API token ${p.name} has the ${scope} scope for ${p.services.join(', ')}, not for ${service}: use a token that covers ${service}.`,
    );
  }
}

/** Who acted, for the audit: the token by its catalog name. */
export function actorFor(p: ApiPrincipal): Actor {
  return p.admin ? { kind: 'api', id: 'api-token', name: 'CI' } : { kind: 'api', id: p.name, name: `API token ${p.name}` };
}

/** The service a discovered id (`<service>@r<revision>`) names, for scope checks before anything is looked up. */
export function serviceOfDiscoveredId(id: string | undefined): string | undefined {
  return id === undefined ? undefined : /^(?<service>[A-Za-z0-9._-]+)@r\d+$/.exec(id)?.groups?.['service'];
}
