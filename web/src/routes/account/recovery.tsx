import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ApiError } from '../../api/errors';
import { ErrorBanner } from '../../components/ErrorBanner';
import { TextInput } from '../../components/Fields';
import { t } from '../../i18n';
import { useSession } from '../../session-context';

const spent = (err: unknown) => err instanceof ApiError && err.code === 'invalid_token';

/** "Forgot your password?": asks Voyage to email a reset link (the answer never says whether the account exists). */
export function ForgotPassword() {
  const [email, setEmail] = useState('');
  const request = useMutation({
    mutationFn: (body: { email: string }) => unwrap(api.POST('/auth/password-reset/request', { body })),
  });
  return (
    <section className="narrow">
      <h1>{t.account.forgotTitle}</h1>
      {request.isSuccess ? (
        <p role="status" className="banner success">
          {t.account.resetSent(request.variables.email)}
        </p>
      ) : (
        <>
          <p>{t.account.forgotIntro}</p>
          <ErrorBanner error={request.error} onRetry={() => request.mutate({ email })} />
          <Form
            onSubmit={(e) => {
              e.preventDefault();
              request.mutate({ email });
            }}
          >
            <TextInput
              label={t.account.email}
              name="email"
              type="email"
              isRequired
              autoComplete="email"
              value={email}
              onChange={setEmail}
            />
            <Button type="submit" className="button" isDisabled={request.isPending}>
              {t.account.sendReset}
            </Button>
          </Form>
        </>
      )}
      <p>
        <Link to="/signin">{t.account.toSignIn}</Link>
      </p>
    </section>
  );
}

/** /reset-password?token=…, the link of the reset email: a new password, then sign in again. */
export function ResetPassword() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [password, setPassword] = useState('');
  const reset = useMutation({
    mutationFn: (body: { token: string; newPassword: string }) =>
      unwrap(api.POST('/auth/password-reset', { body })),
  });
  let body: React.ReactNode;
  if (!token) body = <p className="banner error">{t.account.noToken}</p>;
  else if (reset.isSuccess)
    body = (
      <>
        <p role="status" className="banner success">
          {t.account.resetDone}
        </p>
        <Link to="/signin" className="button">
          {t.account.toSignIn}
        </Link>
      </>
    );
  else if (spent(reset.error))
    body = (
      <div role="alert" className="banner error">
        <p>{t.account.resetInvalid}</p>
        <Link to="/forgot-password">{t.account.askAgain}</Link>
      </div>
    );
  else
    body = (
      <>
        <ErrorBanner error={reset.error} onRetry={() => reset.mutate({ token, newPassword: password })} />
        <Form
          onSubmit={(e) => {
            e.preventDefault();
            reset.mutate({ token, newPassword: password });
          }}
        >
          <TextInput
            label={t.account.newPassword}
            name="newPassword"
            type="password"
            isRequired
            minLength={8}
            description={t.account.passwordHint}
            autoComplete="new-password"
            value={password}
            onChange={setPassword}
          />
          <Button type="submit" className="button" isDisabled={reset.isPending}>
            {t.account.saveNewPassword}
          </Button>
        </Form>
      </>
    );
  return (
    <section className="narrow">
      <h1>{t.account.resetTitle}</h1>
      {body}
    </section>
  );
}

/** /verify-email?token=…, the link of the confirmation email: confirms the address on arrival. */
export function VerifyEmail() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const signedIn = !!useSession();
  const verify = useMutation({
    mutationFn: (body: { token: string }) => unwrap(api.POST('/auth/verify-email', { body })),
  });
  // Once per page: a token works once, and StrictMode mounts effects twice in development.
  const sent = useRef(false);
  useEffect(() => {
    if (!token || sent.current) return;
    sent.current = true;
    verify.mutate({ token });
  }, [token, verify]);
  const next = signedIn ? (
    <Link to="/account">{t.account.toAccount}</Link>
  ) : (
    <Link to="/signin">{t.account.toSignIn}</Link>
  );
  return (
    <section className="narrow">
      <h1>{t.account.verifyTitle}</h1>
      {!token ? (
        <p className="banner error">{t.account.noToken}</p>
      ) : verify.isSuccess ? (
        <p role="status" className="banner success">
          {t.account.verifyDone}
        </p>
      ) : spent(verify.error) ? (
        <p role="alert" className="banner error">
          {t.account.verifyInvalid}
        </p>
      ) : verify.error ? (
        <ErrorBanner error={verify.error} onRetry={() => verify.mutate({ token })} />
      ) : (
        <p role="status">{t.account.verifying}</p>
      )}
      <p>{next}</p>
    </section>
  );
}
