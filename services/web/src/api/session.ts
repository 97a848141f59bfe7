import type { AuthResponse, User } from '@castor/contracts';
import { useSyncExternalStore } from 'react';

/**
 * The signed-in session. core-service hands both tokens in the response body: the access token
 * stays in memory only (gone on reload, never readable from storage), the refresh token is kept in
 * sessionStorage so a reload of this tab signs back in silently; it dies with the tab. Tokens
 * never go in a URL.
 */
export interface Session {
  accessToken: string;
  user: User;
}

/** Why there is no session: never signed in, signed out by the person, or ended under them. */
export type SessionEnd = 'none' | 'signed-out' | 'expired';

const REFRESH_TOKEN_KEY = 'castor.refreshToken';

let current: Session | null = null;
let endReason: SessionEnd = 'none';
const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

export const session = {
  current: (): Session | null => current,
  endReason: (): SessionEnd => endReason,
  refreshToken: (): string | null => sessionStorage.getItem(REFRESH_TOKEN_KEY),
  /** Starts (or renews, after a refresh) the session from core-service's token pair. */
  start(auth: AuthResponse): void {
    current = { accessToken: auth.accessToken, user: auth.user };
    endReason = 'none';
    sessionStorage.setItem(REFRESH_TOKEN_KEY, auth.refreshToken);
    notify();
  },
  end(reason: Exclude<SessionEnd, 'none'>): void {
    current = null;
    endReason = reason;
    sessionStorage.removeItem(REFRESH_TOKEN_KEY);
    notify();
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

/** The current session, re-rendering on sign-in, refresh and sign-out. */
export function useSession(): Session | null {
  return useSyncExternalStore(session.subscribe, session.current);
}
