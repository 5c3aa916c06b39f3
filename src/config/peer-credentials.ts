// The catalog's `auth` blocks (detection, verification.prometheus, alertmanager) name environment
// variables; here, once at start, they become the credentials the adapters send. A variable that is
// not set is a configuration error (exit 2) naming the catalog key and the variable, never a peer
// that is silently called without credentials. Messages never carry a secret's value.
import { basicCredential, bearerCredential, type PeerCredential, PeerCredentials, peerKey } from '../adapters/peer-auth/peer-credentials.js';
import { ConfigError } from './config-error.js';

export interface PeerAuth {
  bearerTokenEnv?: string | undefined;
  username?: string | undefined;
  passwordEnv?: string | undefined;
}

/** One `auth` block in the catalog: where it is (`services.checkout.detection.auth`), for which peer. */
export interface PeerAuthUse {
  key: string;
  peer: 'Prometheus' | 'Alertmanager';
  url: string;
  auth: PeerAuth;
}

interface WithAuth {
  url: string;
  auth?: PeerAuth | undefined;
}

/** The `auth` blocks of one parsed service, in catalog order. */
export function peerAuthUsesOf(
  service: string,
  svc: { detection?: WithAuth | undefined; alertmanager?: WithAuth | undefined; verification: { prometheus: WithAuth[] } },
): PeerAuthUse[] {
  const uses: PeerAuthUse[] = [];
  const base = `services.${service}`;
  if (svc.detection?.auth) uses.push({ key: `${base}.detection.auth`, peer: 'Prometheus', url: svc.detection.url, auth: svc.detection.auth });
  svc.verification.prometheus.forEach((p, i) => {
    if (p.auth) uses.push({ key: `${base}.verification.prometheus.${i}.auth`, peer: 'Prometheus', url: p.url, auth: p.auth });
  });
  if (svc.alertmanager?.auth)
    uses.push({ key: `${base}.alertmanager.auth`, peer: 'Alertmanager', url: svc.alertmanager.url, auth: svc.alertmanager.auth });
  return uses;
}

/** A spec without its `auth` block: what the rest of the bot (plans, API views) gets to see. */
export function withoutAuth<T extends { auth?: unknown }>(spec: T): Omit<T, 'auth'> {
  const { auth: _auth, ...rest } = spec;
  return rest;
}

// What an HTTP header can carry; a token read from a file often ends in a newline, which it cannot.
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/** Reads each named variable from `env`; `source` is the catalog's path, for the messages. */
export function resolvePeerCredentials(uses: readonly PeerAuthUse[], env: Record<string, string | undefined>, source: string): PeerCredentials {
  const problems: string[] = [];
  const chosen = new Map<string, { use: PeerAuthUse; credential: PeerCredential }>();
  for (const use of uses) {
    const { bearerTokenEnv, username, passwordEnv } = use.auth;
    const [field, variable] = bearerTokenEnv ? ['bearerTokenEnv', bearerTokenEnv] : ['passwordEnv', passwordEnv ?? ''];
    const what = bearerTokenEnv ? 'bearer token' : `password of ${username}`;
    const value = env[variable];
    if (value === undefined || value === '') {
      problems.push(
        `${source}: ${use.key}.${field}: names ${variable}, which is not set (or is empty): set it to the ${what} for ${use.peer} at ${use.url}`,
      );
      continue;
    }
    if (bearerTokenEnv && !HEADER_SAFE.test(value)) {
      problems.push(
        `${source}: ${use.key}.${field}: ${variable} holds a space, a line break or a character an HTTP header cannot carry: set it to the token alone (a file's trailing newline counts)`,
      );
      continue;
    }
    const credential = bearerTokenEnv ? bearerCredential(value, variable) : basicCredential(username ?? '', value, variable);
    const earlier = chosen.get(peerKey(use.url));
    if (!earlier) chosen.set(peerKey(use.url), { use, credential });
    else if (earlier.credential.authorization !== credential.authorization)
      problems.push(
        `${source}: ${use.key}: gives ${use.peer} at ${use.url} other credentials than ${earlier.use.key}: one peer URL is called with one credential, so make them the same`,
      );
  }
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  return new PeerCredentials([...chosen].map(([url, { credential }]) => [url, credential] as const));
}
