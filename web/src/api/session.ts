import type { paths } from './schema';

type TokenPair = paths['/auth/login']['post']['responses'][200]['content']['application/json'];
export type User = TokenPair['user'];

export interface Session {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires (epoch ms). */
  expiresAt: number;
  user: User;
}

/** Why a session ended: shown on the sign-in page. */
export type EndReason = 'signed_out' | 'expired' | 'reused';

const KEY = 'voyage.session';
type Listener = (session: Session | undefined, reason?: EndReason) => void;
const listeners = new Set<Listener>();

function read(): Session | undefined {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : undefined;
  } catch {
    return undefined;
  }
}

let current = read();

/**
 * The signed-in user's tokens, kept in localStorage so that a reload keeps the session. Other tabs
 * see changes through the storage event.
 */
export const session = {
  get: () => current,
  set(pair: TokenPair) {
    current = {
      accessToken: pair.accessToken,
      refreshToken: pair.refreshToken,
      expiresAt: Date.now() + pair.expiresIn * 1000,
      user: pair.user,
    };
    localStorage.setItem(KEY, JSON.stringify(current));
    for (const l of listeners) l(current);
  },
  /** The signed-in user's profile after an edit, so that every page shows the new name. */
  setUser(user: User) {
    if (!current) return;
    current = { ...current, user };
    localStorage.setItem(KEY, JSON.stringify(current));
    for (const l of listeners) l(current);
  },
  end(reason: EndReason) {
    current = undefined;
    localStorage.removeItem(KEY);
    for (const l of listeners) l(undefined, reason);
  },
  subscribe(listener: Listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

window.addEventListener('storage', (e) => {
  if (e.key !== KEY) return;
  current = read();
  for (const l of listeners) l(current, current ? undefined : 'signed_out');
});

let refreshing: Promise<boolean> | undefined;

/**
 * Trades the refresh token for a new pair, once however many requests ask at the same moment
 * (tokens rotate: using one twice ends the session). A reused or invalid token ends the session.
 */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    const s = current;
    if (!s) return false;
    try {
      const res = await fetch('/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ refreshToken: s.refreshToken }),
      });
      if (res.ok) {
        session.set((await res.json()) as TokenPair);
        return true;
      }
      if (res.status === 401) {
        const body = (await res.json().catch(() => undefined)) as { error?: { code?: string } } | undefined;
        session.end(body?.error?.code === 'refresh_token_reused' ? 'reused' : 'expired');
      }
      return false;
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}
