// The credentials the bot presents to its monitoring peers (Prometheus, Alertmanager), by base URL.
// Resolved once at start from the environment (src/config/peer-credentials.ts); the adapters look a
// peer's up by the URL they were asked to call. The secret lives in a private field, so logging or
// serializing this object (pino, JSON, util.inspect) shows only which variables are involved.

export interface PeerCredential {
  /** The Authorization header's value: `Bearer …` or `Basic …`. */
  authorization: string;
  /** What an operator should check when the peer refuses it, e.g. `the environment variable PROMETHEUS_TOKEN`. */
  check: string;
}

/** A peer URL as a lookup key: parsed, with one trailing slash, so `http://p:9090` and `http://p:9090/` are one peer. */
export function peerKey(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.search = '';
    parsed.hash = '';
    return parsed.href.endsWith('/') ? parsed.href : `${parsed.href}/`;
  } catch {
    return url;
  }
}

export function bearerCredential(token: string, variable: string): PeerCredential {
  return { authorization: `Bearer ${token}`, check: `the environment variable ${variable}` };
}

export function basicCredential(username: string, password: string, variable: string): PeerCredential {
  return {
    authorization: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`,
    check: `the user name ${username} and the environment variable ${variable}`,
  };
}

export class PeerCredentials {
  readonly #byPeer = new Map<string, PeerCredential>();

  constructor(entries: Iterable<readonly [url: string, credential: PeerCredential]> = []) {
    for (const [url, credential] of entries) this.#byPeer.set(peerKey(url), credential);
  }

  /** The credential for the peer at `url`, or undefined when the catalog gives it none. */
  for(url: string): PeerCredential | undefined {
    return this.#byPeer.get(peerKey(url));
  }

  get size(): number {
    return this.#byPeer.size;
  }

  toJSON(): { peers: string[] } {
    return { peers: [...this.#byPeer.keys()] };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `PeerCredentials(${[...this.#byPeer.keys()].join(', ')})`;
  }
}

/** The words for a 401/403: which peer, that it refused, and what to check (never the secret). */
export function refusedCredentialsMessage(peer: string, url: string, status: number, credential: PeerCredential | undefined): string {
  return credential
    ? `${peer} at ${url} refused the bot's credentials (HTTP ${status}): check ${credential.check}`
    : `${peer} at ${url} asks for credentials (HTTP ${status}): give it auth in the catalog next to this url ({ bearerTokenEnv } or { username, passwordEnv })`;
}
