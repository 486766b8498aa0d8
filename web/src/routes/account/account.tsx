import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { Link, Navigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ApiError } from '../../api/errors';
import { session } from '../../api/session';
import { ErrorBanner } from '../../components/ErrorBanner';
import { TextInput } from '../../components/Fields';
import { t } from '../../i18n';
import { useSession } from '../../session-context';

function useNext() {
  const [params] = useSearchParams();
  const next = params.get('next');
  // Only paths of this app, never another origin.
  return { next: next?.startsWith('/') && !next.startsWith('//') ? next : '/', reason: params.get('reason') };
}

const REASONS: Record<string, string> = {
  expired: t.account.sessionEnded,
  reused: t.account.sessionReused,
  signed_out: t.account.signedOut,
};

export function SignIn() {
  const { next, reason } = useNext();
  const current = useSession();
  const signIn = useMutation({
    mutationFn: (body: { email: string; password: string; mfaCode?: string }) =>
      unwrap(api.POST('/auth/login', { body })),
    onSuccess: (pair) => session.set(pair),
  });
  // An account with two-factor authentication: the server asks for the code, and the form shows its field.
  const errCode = signIn.error instanceof ApiError ? signIn.error.code : undefined;
  const [askCode, setAskCode] = useState(false);
  if (!askCode && (errCode === 'mfa_required' || errCode === 'invalid_mfa_code')) setAskCode(true);
  if (current) return <Navigate to={next} replace />;
  return (
    <section className="narrow">
      <h1>{t.account.signInTitle}</h1>
      {reason && REASONS[reason] && (
        <p role="status" className="banner info">
          {REASONS[reason]}
        </p>
      )}
      {!reason && next !== '/' && <p className="banner info">{t.account.needSignIn}</p>}
      {/* The server asking for the code is the next step of signing in, not a failure. */}
      {errCode === 'mfa_required' ? (
        <p role="status" className="banner info">
          {t.errors.mfa_required}
        </p>
      ) : (
        <ErrorBanner error={signIn.error} />
      )}
      <Form
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const mfaCode = String(f.get('mfaCode') ?? '').trim();
          signIn.mutate({
            email: String(f.get('email')),
            password: String(f.get('password')),
            ...(mfaCode ? { mfaCode } : {}),
          });
        }}
      >
        <TextInput label={t.account.email} name="email" type="email" isRequired autoComplete="email" />
        <TextInput
          label={t.account.password}
          name="password"
          type="password"
          isRequired
          autoComplete="current-password"
        />
        {askCode && (
          <TextInput label={t.admin.mfaCode} name="mfaCode" isRequired autoComplete="one-time-code" />
        )}
        <Button type="submit" className="button" isDisabled={signIn.isPending}>
          {t.account.submitSignIn}
        </Button>
      </Form>
      <p>
        <Link to="/forgot-password">{t.account.forgot}</Link>
      </p>
      <p>
        {t.account.noAccount} <Link to={`/signup?next=${encodeURIComponent(next)}`}>{t.app.signUp}</Link>
      </p>
    </section>
  );
}

export function SignUp() {
  const { next } = useNext();
  const current = useSession();
  const signUp = useMutation({
    mutationFn: (body: { email: string; password: string; name: string }) =>
      unwrap(api.POST('/auth/signup', { body })),
    onSuccess: (pair) => session.set(pair),
  });
  if (current) return <Navigate to={next} replace />;
  return (
    <section className="narrow">
      <h1>{t.account.signUpTitle}</h1>
      <ErrorBanner error={signUp.error} />
      <Form
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          signUp.mutate({
            name: String(f.get('name')),
            email: String(f.get('email')),
            password: String(f.get('password')),
          });
        }}
      >
        <TextInput label={t.account.name} name="name" isRequired autoComplete="name" />
        <TextInput label={t.account.email} name="email" type="email" isRequired autoComplete="email" />
        <TextInput
          label={t.account.password}
          name="password"
          type="password"
          isRequired
          minLength={8}
          description={t.account.passwordHint}
          autoComplete="new-password"
        />
        <Button type="submit" className="button" isDisabled={signUp.isPending}>
          {t.account.submitSignUp}
        </Button>
      </Form>
      <p>
        {t.account.haveAccount} <Link to={`/signin?next=${encodeURIComponent(next)}`}>{t.app.signIn}</Link>
      </p>
    </section>
  );
}
