import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Suspense, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { Link, NavLink, Outlet } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ApiError } from '../../api/errors';
import { session } from '../../api/session';
import { ErrorBanner } from '../../components/ErrorBanner';
import { TextInput } from '../../components/Fields';
import { t } from '../../i18n';
import { useSession } from '../../session-context';

export function NotAllowed() {
  return (
    <section className="narrow">
      <h1>{t.admin.notAllowedTitle}</h1>
      <p>{t.admin.notAllowed}</p>
      <Link to="/">{t.app.home}</Link>
    </section>
  );
}

/** A new TOTP secret, confirmed with a code: turns MFA on and marks this session as MFA-signed. */
function MfaSetup({ onDone }: { onDone: () => Promise<void> }) {
  const [codes, setCodes] = useState<string[]>();
  const setup = useMutation({ mutationFn: () => unwrap(api.POST('/auth/mfa/setup')) });
  const enable = useMutation({
    mutationFn: (code: string) => unwrap(api.POST('/auth/mfa/enable', { body: { code } })),
    onSuccess: (r) => setCodes(r.recoveryCodes),
  });
  if (codes)
    return (
      <>
        <p role="status" className="banner success">
          {t.admin.mfaRecoveryIntro}
        </p>
        <ul className="codes">
          {codes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ul>
        <Button
          className="button"
          onPress={async () => {
            await onDone();
            const user = session.get()?.user;
            if (user) session.setUser({ ...user, mfaEnabled: true });
          }}
        >
          {t.admin.mfaContinue}
        </Button>
      </>
    );
  return (
    <>
      <p>{t.admin.mfaSetupIntro}</p>
      <ErrorBanner error={setup.error ?? enable.error} />
      {!setup.data ? (
        <Button className="button" onPress={() => setup.mutate()} isDisabled={setup.isPending}>
          {t.admin.mfaStart}
        </Button>
      ) : (
        <Form
          onSubmit={(e) => {
            e.preventDefault();
            enable.mutate(String(new FormData(e.currentTarget).get('code')).trim());
          }}
        >
          <div className="field">
            <label htmlFor="mfa-secret">{t.admin.mfaSecret}</label>
            <input id="mfa-secret" className="input" readOnly value={setup.data.secret} />
          </div>
          <p>
            <a href={setup.data.otpauthUrl} className="anywhere">
              {setup.data.otpauthUrl}
            </a>
          </p>
          <TextInput label={t.admin.mfaCode} name="code" isRequired autoComplete="one-time-code" />
          <Button type="submit" className="button" isDisabled={enable.isPending}>
            {t.admin.mfaEnable}
          </Button>
        </Form>
      )}
    </>
  );
}

/** An account with MFA whose session was signed in without a code: sign in again with one. */
function MfaSignIn({ email, onDone }: { email: string; onDone: () => Promise<void> }) {
  const signIn = useMutation({
    mutationFn: (body: { password: string; mfaCode: string }) =>
      unwrap(api.POST('/auth/login', { body: { email, ...body } })),
    onSuccess: (pair) => {
      session.set(pair);
      void onDone();
    },
  });
  return (
    <>
      <p>{t.admin.mfaSignInIntro}</p>
      <ErrorBanner error={signIn.error} />
      <Form
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          signIn.mutate({ password: String(f.get('password')), mfaCode: String(f.get('code')).trim() });
        }}
      >
        <TextInput
          label={t.account.password}
          name="password"
          type="password"
          isRequired
          autoComplete="current-password"
        />
        <TextInput label={t.admin.mfaCode} name="code" isRequired autoComplete="one-time-code" />
        <Button type="submit" className="button" isDisabled={signIn.isPending}>
          {t.admin.mfaSignIn}
        </Button>
      </Form>
    </>
  );
}

/**
 * The console's frame: admins only (others get "not allowed"), and a session signed in with MFA,
 * which every admin operation needs; the server says which by answering a small probe.
 */
export function AdminLayout() {
  const s = useSession();
  const queryClient = useQueryClient();
  const isAdmin = s?.user.role === 'admin';
  const probe = useQuery({
    queryKey: ['admin', 'probe'],
    queryFn: () => unwrap(api.GET('/audit', { params: { query: { limit: 1 } } })),
    enabled: isAdmin,
  });
  if (!s || !isAdmin) return <NotAllowed />;
  const code = probe.error instanceof ApiError ? probe.error.code : undefined;
  if (code === 'forbidden') return <NotAllowed />;
  const done = () => queryClient.invalidateQueries({ queryKey: ['admin'] });
  if (code === 'mfa_required')
    return (
      <section className="narrow">
        <h1>{t.admin.mfaTitle}</h1>
        {s.user.mfaEnabled ? <MfaSignIn email={s.user.email} onDone={done} /> : <MfaSetup onDone={done} />}
      </section>
    );
  if (probe.isPending) return <p>{t.app.loading}</p>;
  if (probe.error) return <ErrorBanner error={probe.error} onRetry={() => void probe.refetch()} />;
  return (
    <div className="console">
      <nav aria-label={t.admin.sections} className="subnav">
        <NavLink to="/admin/overview">{t.adminOverview.nav}</NavLink>
        <NavLink to="/admin/flags">{t.admin.flags}</NavLink>
        <NavLink to="/admin/users">{t.admin.users}</NavLink>
        <NavLink to="/admin/audit">{t.admin.audit}</NavLink>
        <NavLink to="/admin/fleet">{t.adminFleet.nav}</NavLink>
        <NavLink to="/admin/inventory">{t.adminInventory.nav}</NavLink>
        <NavLink to="/admin/flights">{t.adminFlights.nav}</NavLink>
        <NavLink to="/admin/notifications">{t.adminNotifications.nav}</NavLink>
        <NavLink to="/admin/backups">{t.adminBackups.nav}</NavLink>
        <NavLink to="/admin/releases">{t.adminReleases.nav}</NavLink>
      </nav>
      <Suspense fallback={<p>{t.app.loading}</p>}>
        <Outlet />
      </Suspense>
    </div>
  );
}
