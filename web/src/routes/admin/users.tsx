import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import { ErrorBanner } from '../../components/ErrorBanner';
import { TextInput } from '../../components/Fields';
import { t } from '../../i18n';
import { useSession } from '../../session-context';
import { Confirm } from './confirm';

type User = paths['/users']['get']['responses'][200]['content']['application/json']['users'][number];
type Role = User['role'];

function UserRow({ user, onDone }: { user: User; onDone: (msg: string) => void }) {
  const queryClient = useQueryClient();
  const self = useSession()?.user.id === user.id;
  const [role, setRole] = useState<Role>(user.role);
  const after = (u: User) => {
    onDone(`${u.email}: ${t.admin.roles[u.role]}, ${u.disabled ? t.admin.disabled : t.admin.active}.`);
    void queryClient.invalidateQueries({ queryKey: ['admin', 'users'] });
  };
  const changeRole = useMutation({
    mutationFn: (r: Role) =>
      unwrap(api.PUT('/users/{id}/role', { params: { path: { id: user.id } }, body: { role: r } })),
    onSuccess: after,
  });
  const setDisabled = useMutation({
    mutationFn: (disable: boolean) =>
      unwrap(
        disable
          ? api.POST('/users/{id}/disable', { params: { path: { id: user.id } } })
          : api.POST('/users/{id}/enable', { params: { path: { id: user.id } } }),
      ),
    onSuccess: after,
  });
  const selectId = `role-${user.id}`;
  return (
    <tr>
      <td>
        {user.name}
        <br />
        <span className="muted">{user.email}</span>
        <br />
        <span className="mono">{user.id}</span>
        <ErrorBanner error={changeRole.error ?? setDisabled.error} />
      </td>
      <td>{user.disabled ? t.admin.disabled : t.admin.active}</td>
      <td>
        <div className="row wrap">
          <label htmlFor={selectId} className="visually-hidden">
            {t.admin.roleOf(user.email)}
          </label>
          <select
            id={selectId}
            className="input"
            value={role}
            disabled={self}
            onChange={(e) => setRole(e.target.value as Role)}
          >
            {(['customer', 'admin'] as const).map((r) => (
              <option key={r} value={r}>
                {t.admin.roles[r]}
              </option>
            ))}
          </select>
          <Confirm
            trigger={t.admin.changeRole}
            triggerLabel={t.admin.changeRoleLabel(user.email)}
            title={t.admin.roleTitle(user.email, t.admin.roles[role]!.toLowerCase())}
            body={t.admin.roleBody}
            isDisabled={self || role === user.role || changeRole.isPending}
            onConfirm={() => changeRole.mutate(role)}
          />
        </div>
      </td>
      <td>
        <div className="row wrap">
          {user.disabled ? (
            <Confirm
              trigger={t.admin.enable}
              triggerLabel={t.admin.enableLabel(user.email)}
              title={t.admin.enableTitle(user.email)}
              body={t.admin.enableBody}
              isDisabled={setDisabled.isPending}
              onConfirm={() => setDisabled.mutate(false)}
            />
          ) : (
            <Confirm
              danger
              trigger={t.admin.disable}
              triggerLabel={t.admin.disableLabel(user.email)}
              title={t.admin.disableTitle(user.email)}
              body={t.admin.disableBody}
              isDisabled={self || setDisabled.isPending}
              onConfirm={() => setDisabled.mutate(true)}
            />
          )}
          <Link to={`/admin/audit?actor=${user.id}`} aria-label={t.admin.userAudit(user.email)}>
            {t.admin.audit}
          </Link>
        </div>
      </td>
    </tr>
  );
}

export function UsersPage() {
  const [q, setQ] = useState('');
  const [message, setMessage] = useState<string>();
  const users = useQuery({
    queryKey: ['admin', 'users', q],
    queryFn: () => unwrap(api.GET('/users', { params: { query: { ...(q ? { q } : {}), limit: 50 } } })),
  });
  return (
    <section>
      <h1>{t.admin.users}</h1>
      <Form
        role="search"
        aria-label={t.admin.find}
        onSubmit={(e) => {
          e.preventDefault();
          setQ(String(new FormData(e.currentTarget).get('q')).trim());
        }}
      >
        <div className="row wrap">
          <TextInput label={t.admin.findLabel} name="q" />
          <Button type="submit" className="button">
            {t.admin.search}
          </Button>
        </div>
      </Form>
      <p role="status" className={message ? 'banner success' : undefined}>
        {message}
      </p>
      <ErrorBanner error={users.error} onRetry={() => void users.refetch()} />
      {users.data && users.data.users.length === 0 && <p>{t.admin.noUsers}</p>}
      {users.data && users.data.users.length > 0 && (
        <div className="table-scroll stack">
          <table>
            <caption className="visually-hidden">{t.admin.users}</caption>
            <thead>
              <tr>
                <th scope="col">{t.admin.name}</th>
                <th scope="col">{t.admin.status}</th>
                <th scope="col">{t.admin.role}</th>
                <th scope="col">{t.admin.actions}</th>
              </tr>
            </thead>
            <tbody>
              {users.data.users.map((u) => (
                <UserRow key={`${u.id}-${u.role}-${u.disabled}`} user={u} onDone={setMessage} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
