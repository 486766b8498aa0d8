import { useSyncExternalStore } from 'react';
import { Navigate, useLocation } from 'react-router';
import { type EndReason, type Session, session } from './api/session';

let lastEnd: EndReason | undefined;
session.subscribe((s, reason) => {
  lastEnd = s ? undefined : reason;
});

export function useSession(): Session | undefined {
  return useSyncExternalStore(session.subscribe, session.get);
}

/** Protected pages: without a session, off to sign-in, which brings the user back here. */
export function RequireAuth({ children }: { children: React.ReactNode }) {
  const s = useSession();
  const location = useLocation();
  if (s) return <>{children}</>;
  const next = encodeURIComponent(location.pathname + location.search);
  const reason = lastEnd ? `&reason=${lastEnd}` : '';
  return <Navigate to={`/signin?next=${next}${reason}`} replace />;
}
