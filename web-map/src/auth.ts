import type { TokenResponse } from './types';

/** What is kept in sessionStorage between reloads of the tab. */
export interface Session {
  username: string;
  accessToken: string;
  /** ISO 8601 instant the token stops being valid. */
  expiresAt: string;
  roles: string[];
}

export const SESSION_KEY = 'gridgov.session';

/** Minimal Storage surface so tests can pass an in-memory one. */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export function sessionFromToken(username: string, token: TokenResponse): Session {
  return {
    username,
    accessToken: token.accessToken,
    expiresAt: token.expiresAt,
    roles: Array.isArray(token.roles) ? token.roles : [],
  };
}

/** Milliseconds left before the session expires (<= 0 once expired; NaN dates count as expired). */
export function msUntilExpiry(session: Session, now: number): number {
  const end = Date.parse(session.expiresAt);
  return Number.isFinite(end) ? end - now : -1;
}

export class SessionStore {
  private current: Session | null = null;

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The stored session if it is still valid; an expired or corrupt one is dropped. */
  load(): Session | null {
    if (this.current && msUntilExpiry(this.current, this.now()) > 0) return this.current;
    this.current = null;
    let raw: string | null = null;
    try {
      raw = this.storage.getItem(SESSION_KEY);
    } catch {
      return null;
    }
    if (!raw) return null;
    try {
      const parsed = JSON.parse(raw) as Partial<Session>;
      if (
        typeof parsed.accessToken === 'string' &&
        typeof parsed.expiresAt === 'string' &&
        typeof parsed.username === 'string'
      ) {
        const session: Session = {
          username: parsed.username,
          accessToken: parsed.accessToken,
          expiresAt: parsed.expiresAt,
          roles: Array.isArray(parsed.roles) ? parsed.roles : [],
        };
        if (msUntilExpiry(session, this.now()) > 0) {
          this.current = session;
          return session;
        }
      }
    } catch {
      // corrupt entry: fall through and drop it
    }
    this.clear();
    return null;
  }

  save(session: Session): void {
    this.current = session;
    try {
      this.storage.setItem(SESSION_KEY, JSON.stringify(session));
    } catch {
      // storage full or disabled: the session still lives in memory
    }
  }

  clear(): void {
    this.current = null;
    try {
      this.storage.removeItem(SESSION_KEY);
    } catch {
      // ignore
    }
  }

  /** The bearer token to send, or null when logged out or expired. */
  token(): string | null {
    return this.load()?.accessToken ?? null;
  }
}

/**
 * MapLibre `transformRequest` rule: same-origin `/tiles/` URLs get the bearer token, everything else
 * is left alone (there is nothing else: the style has no external URLs).
 */
export function authorizeTileRequest(
  url: string,
  origin: string,
  token: string | null,
): { url: string; headers?: Record<string, string> } {
  if (!token) return { url };
  let parsed: URL;
  try {
    parsed = new URL(url, origin);
  } catch {
    return { url };
  }
  if (parsed.origin !== origin || !parsed.pathname.startsWith('/tiles/')) return { url };
  return { url, headers: { Authorization: `Bearer ${token}` } };
}
