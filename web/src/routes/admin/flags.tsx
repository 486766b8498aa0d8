import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import { ErrorBanner } from '../../components/ErrorBanner';
import { SelectInput, TextInput } from '../../components/Fields';
import { t } from '../../i18n';
import { Confirm } from './confirm';

type Flag = paths['/feature-flags']['get']['responses'][200]['content']['application/json']['flags'][number];
type FlagType = Flag['type'];
type Patch = paths['/feature-flags/{key}']['patch']['requestBody']['content']['application/json'];
const TYPES: FlagType[] = ['release', 'experiment', 'operational', 'kill-switch'];
/** Only these reach a share of users or an allow-list; the others are on or off for everyone. */
const targeted = (type: FlagType) => type === 'release' || type === 'experiment';

const parseList = (v: string) =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const clampPct = (v: string) => Math.max(0, Math.min(100, Math.round(Number(v) || 0)));

function useFlagChange(key: string, onSaved: (msg: string) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Patch) =>
      unwrap(api.PATCH('/feature-flags/{key}', { params: { path: { key } }, body })),
    onSuccess: (f) => {
      onSaved(t.admin.saved(f.key));
      void queryClient.invalidateQueries({ queryKey: ['admin'] });
    },
  });
}

function FlagCard({ flag, onSaved }: { flag: Flag; onSaved: (msg: string) => void }) {
  const change = useFlagChange(flag.key, onSaved);
  const [pct, setPct] = useState(String(flag.rolloutPercentage));
  const [list, setList] = useState(flag.allowList.join(', '));
  const headingId = `flag-${flag.key}`;
  return (
    <section className="card flag" aria-labelledby={headingId}>
      <h2 id={headingId}>
        <code>{flag.key}</code>
      </h2>
      <p>
        {t.admin.flagTypes[flag.type]} · <strong>{flag.enabled ? t.admin.flagOn : t.admin.flagOff}</strong>
        {flag.rolloutPercentage < 100 && ` · ${flag.rolloutPercentage}%`}
      </p>
      {flag.description && <p>{flag.description}</p>}
      {flag.type === 'kill-switch' && <p className="banner info">{t.admin.flagKill}</p>}
      <ErrorBanner error={change.error} />
      <div className="row wrap">
        <Confirm
          trigger={flag.enabled ? t.admin.turnOff : t.admin.turnOn}
          triggerLabel={`${flag.enabled ? t.admin.turnOff : t.admin.turnOn} ${flag.key}`}
          title={t.admin.toggleTitle(flag.key, !flag.enabled)}
          body={t.admin.toggleBody}
          danger={flag.type === 'kill-switch' && !flag.enabled}
          isDisabled={change.isPending}
          onConfirm={() => change.mutate({ enabled: !flag.enabled })}
        />
      </div>
      {targeted(flag.type) && (
        <>
          <div className="row wrap">
            <TextInput
              label={t.admin.rollout}
              name="rolloutPercentage"
              type="number"
              value={pct}
              onChange={setPct}
              description={t.admin.rolloutHint}
            />
            <TextInput
              label={t.admin.allowList}
              name="allowList"
              value={list}
              onChange={setList}
              description={t.admin.allowListHint}
            />
          </div>
          <Confirm
            trigger={t.admin.save}
            triggerLabel={`${t.admin.save} ${flag.key}`}
            title={t.admin.saveTitle(flag.key)}
            body={t.admin.saveBody(clampPct(pct), parseList(list).length)}
            isDisabled={change.isPending}
            onConfirm={() => change.mutate({ rolloutPercentage: clampPct(pct), allowList: parseList(list) })}
          />
        </>
      )}
    </section>
  );
}

function CreateFlag({ onSaved }: { onSaved: (msg: string) => void }) {
  const queryClient = useQueryClient();
  const [key, setKey] = useState('');
  const [type, setType] = useState<FlagType>('release');
  const [description, setDescription] = useState('');
  const [pct, setPct] = useState('100');
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/feature-flags', {
          body: {
            key: key.trim(),
            type,
            description,
            enabled: false,
            ...(targeted(type) ? { rolloutPercentage: clampPct(pct) } : {}),
          },
        }),
      ),
    onSuccess: (f) => {
      onSaved(t.admin.created(f.key));
      setKey('');
      setDescription('');
      void queryClient.invalidateQueries({ queryKey: ['admin'] });
    },
  });
  return (
    <section className="card" aria-labelledby="new-flag">
      <h2 id="new-flag">{t.admin.createTitle}</h2>
      <ErrorBanner error={create.error} />
      <div className="row wrap">
        <TextInput label={t.admin.flagKey} name="key" value={key} onChange={setKey} isRequired />
        <SelectInput
          label={t.admin.flagType}
          value={type}
          onChange={(v) => setType(v as FlagType)}
          options={TYPES.map((v) => ({ value: v, label: t.admin.flagTypes[v]! }))}
        />
        <TextInput
          label={t.admin.flagDescription}
          name="description"
          value={description}
          onChange={setDescription}
        />
        {targeted(type) && (
          <TextInput label={t.admin.rollout} name="newRollout" type="number" value={pct} onChange={setPct} />
        )}
      </div>
      <Confirm
        trigger={t.admin.create}
        title={t.admin.createConfirm(key.trim())}
        body={t.admin.createBody}
        isDisabled={!key.trim() || create.isPending}
        onConfirm={() => create.mutate()}
      />
    </section>
  );
}

export function FlagsPage() {
  const [message, setMessage] = useState<string>();
  const flags = useQuery({
    queryKey: ['admin', 'flags'],
    queryFn: () => unwrap(api.GET('/feature-flags')),
  });
  return (
    <section>
      <h1>{t.admin.flags}</h1>
      <p role="status" className={message ? 'banner success' : undefined}>
        {message}
      </p>
      <ErrorBanner error={flags.error} onRetry={() => void flags.refetch()} />
      {flags.data && flags.data.flags.length === 0 && <p>{t.admin.noFlags}</p>}
      <div className="cards">
        {flags.data?.flags.map((f) => (
          <FlagCard key={`${f.key}-${f.updatedAt}`} flag={f} onSaved={setMessage} />
        ))}
      </div>
      <CreateFlag onSaved={setMessage} />
    </section>
  );
}
