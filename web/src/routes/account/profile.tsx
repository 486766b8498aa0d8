import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { api, unwrap } from '../../api/client';
import { session } from '../../api/session';
import { ErrorBanner } from '../../components/ErrorBanner';
import { TextInput } from '../../components/Fields';
import { t } from '../../i18n';

type Me = NonNullable<Awaited<ReturnType<typeof loadMe>>>;
const loadMe = () => unwrap(api.GET('/auth/me'));

/** The signed-in user's account: profile, email confirmation, password. */
export function AccountPage() {
  const me = useQuery({ queryKey: ['me'], queryFn: loadMe });
  return (
    <section className="narrow">
      <h1>{t.account.accountTitle}</h1>
      <ErrorBanner error={me.error} onRetry={() => void me.refetch()} />
      {me.isPending && <p>{t.app.loading}</p>}
      {me.data && (
        <>
          <ProfileForm me={me.data} />
          <Verification me={me.data} />
          <PasswordForm />
        </>
      )}
    </section>
  );
}

function ProfileForm({ me }: { me: Me }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(me.name);
  const [email, setEmail] = useState(me.email);
  const [currentPassword, setCurrentPassword] = useState('');
  const emailChanged = email.trim().toLowerCase() !== me.email.toLowerCase();
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PATCH('/auth/me', {
          body: {
            ...(name !== me.name ? { name } : {}),
            ...(emailChanged ? { email: email.trim(), currentPassword } : {}),
          },
        }),
      ),
    onSuccess: (user) => {
      queryClient.setQueryData(['me'], user);
      session.setUser(user);
      setCurrentPassword('');
    },
  });
  return (
    <section aria-labelledby="profile-h" className="panel">
      <h2 id="profile-h">{t.account.profile}</h2>
      {save.isSuccess && (
        <p role="status" className="banner success">
          {t.account.profileSaved}
        </p>
      )}
      <ErrorBanner error={save.error} onRetry={() => save.mutate()} />
      <Form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <TextInput
          label={t.account.name}
          name="name"
          isRequired
          autoComplete="name"
          value={name}
          onChange={setName}
        />
        <TextInput
          label={t.account.email}
          name="email"
          type="email"
          isRequired
          autoComplete="email"
          value={email}
          onChange={setEmail}
          description={t.account.emailChangeHint}
        />
        {emailChanged && (
          <TextInput
            label={t.account.currentPassword}
            name="currentPassword"
            type="password"
            isRequired
            autoComplete="current-password"
            value={currentPassword}
            onChange={setCurrentPassword}
          />
        )}
        <Button type="submit" className="button" isDisabled={save.isPending}>
          {t.account.saveProfile}
        </Button>
      </Form>
    </section>
  );
}

function Verification({ me }: { me: Me }) {
  const request = useMutation({ mutationFn: () => unwrap(api.POST('/auth/verify-email/request')) });
  if (me.emailVerified) {
    return <p className="banner success">{t.account.verified}</p>;
  }
  return (
    <section aria-label={t.account.verifyTitle} className="banner info">
      <p>{t.account.notVerified}</p>
      {request.isSuccess ? (
        <p role="status">
          {request.data.alreadyVerified ? t.account.alreadyVerified : t.account.verificationSent}
        </p>
      ) : (
        <Button className="button secondary" onPress={() => request.mutate()} isDisabled={request.isPending}>
          {t.account.sendVerification}
        </Button>
      )}
      <ErrorBanner error={request.error} onRetry={() => request.mutate()} />
    </section>
  );
}

function PasswordForm() {
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const change = useMutation({
    mutationFn: () => unwrap(api.POST('/auth/password', { body: { currentPassword, newPassword } })),
    onSuccess: () => {
      setCurrentPassword('');
      setNewPassword('');
    },
  });
  return (
    <section aria-labelledby="password-h" className="panel">
      <h2 id="password-h">{t.account.changePassword}</h2>
      {change.isSuccess && (
        <p role="status" className="banner success">
          {t.account.passwordChanged}
        </p>
      )}
      <ErrorBanner error={change.error} onRetry={() => change.mutate()} />
      <Form
        onSubmit={(e) => {
          e.preventDefault();
          change.mutate();
        }}
      >
        <TextInput
          label={t.account.currentPassword}
          name="currentPassword"
          type="password"
          isRequired
          autoComplete="current-password"
          value={currentPassword}
          onChange={setCurrentPassword}
        />
        <TextInput
          label={t.account.newPassword}
          name="newPassword"
          type="password"
          isRequired
          minLength={8}
          description={t.account.passwordHint}
          autoComplete="new-password"
          value={newPassword}
          onChange={setNewPassword}
        />
        <Button type="submit" className="button" isDisabled={change.isPending}>
          {t.account.changePassword}
        </Button>
      </Form>
    </section>
  );
}
