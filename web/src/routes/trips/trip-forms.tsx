import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Checkbox, CheckboxGroup, Form, Label, Text } from 'react-aria-components';
import { api, unwrap } from '../../api/client';
import type { Collaborator, PlanRequest, Poi } from '../../api/types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorBanner } from '../../components/ErrorBanner';
import { SelectInput, TextInput } from '../../components/Fields';
import { formatDate } from '../../format';
import { t } from '../../i18n';

type Interest = NonNullable<PlanRequest['interests']>[number];
type Pace = NonNullable<PlanRequest['pace']>;
const INTERESTS = Object.keys(t.trips.interestNames) as Interest[];

/** A group of labelled checkboxes (React Aria CheckboxGroup: one label for the group, one per box). */
function Checkboxes(props: {
  label: string;
  description?: string;
  value: string[];
  onChange: (v: string[]) => void;
  options: { value: string; label: string }[];
}) {
  return (
    <CheckboxGroup className="field checks" value={props.value} onChange={props.onChange}>
      <Label className="group-label">{props.label}</Label>
      {props.description && <Text slot="description">{props.description}</Text>}
      <div className="check-list">
        {props.options.map((o) => (
          <Checkbox key={o.value} value={o.value} className="check">
            <span className="box" aria-hidden="true" />
            {o.label}
          </Checkbox>
        ))}
      </div>
    </CheckboxGroup>
  );
}

/** Generate a plan: interests, pace and must-sees (activities of the catalogue that the plan keeps). */
export function PlanForm({ tripId, pois }: { tripId: string; pois: Poi[] }) {
  const qc = useQueryClient();
  const [pace, setPace] = useState<Pace>('moderate');
  const [interests, setInterests] = useState<string[]>([]);
  const [mustSee, setMustSee] = useState<string[]>([]);
  const generate = useMutation({
    mutationFn: (body: PlanRequest) =>
      unwrap(api.POST('/trips/{id}/plan', { params: { path: { id: tripId } }, body })),
    onSuccess: (p) => qc.setQueryData(['trip-plan', tripId], p),
  });
  const body = (): PlanRequest => ({ pace, interests: interests as Interest[], mustSee });
  return (
    <section aria-labelledby="plan-h">
      <h2 id="plan-h">{t.trips.plan}</h2>
      <ErrorBanner error={generate.error} onRetry={() => generate.mutate(body())} />
      <Form
        onSubmit={(e) => {
          e.preventDefault();
          generate.mutate(body());
        }}
      >
        <Checkboxes
          label={t.trips.interests}
          description={t.trips.interestsHint}
          value={interests}
          onChange={setInterests}
          options={INTERESTS.map((i) => ({ value: i, label: t.trips.interestNames[i]! }))}
        />
        <SelectInput
          label={t.trips.pace}
          value={pace}
          onChange={(v) => setPace(v as Pace)}
          options={Object.entries(t.trips.paces).map(([value, label]) => ({ value, label }))}
        />
        {pois.length > 0 && (
          <Checkboxes
            label={t.trips.mustSee}
            description={t.trips.mustSeeHint}
            value={mustSee}
            onChange={setMustSee}
            options={pois.map((p) => ({ value: p.id, label: p.name }))}
          />
        )}
        <Button type="submit" className="button" isDisabled={generate.isPending}>
          {t.trips.generate}
        </Button>
      </Form>
    </section>
  );
}

/** A note on the trip: a title and text, on one of its days or without a day. */
export function NoteForm({ tripId, days, onAdded }: { tripId: string; days: string[]; onAdded: () => void }) {
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [day, setDay] = useState('');
  const add = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/trips/{id}/items', {
          params: { path: { id: tripId } },
          body: {
            kind: 'note',
            title: title.trim(),
            body: text.trim(),
            ...(day ? { startsAt: new Date(`${day}T12:00:00Z`).toISOString() } : {}),
          },
        }),
      ),
    onSuccess: () => {
      setTitle('');
      setText('');
      setDay('');
      onAdded();
    },
  });
  return (
    <section aria-labelledby="note-h">
      <h2 id="note-h">{t.trips.addNote}</h2>
      <ErrorBanner error={add.error} onRetry={() => add.mutate()} />
      {add.isSuccess && (
        <p role="status" className="banner success">
          {t.trips.noteAdded}
        </p>
      )}
      <Form
        className="note-form"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        <TextInput label={t.trips.noteTitle} name="title" isRequired value={title} onChange={setTitle} />
        <div className="field">
          <label htmlFor="note-body">{t.trips.noteBody}</label>
          <textarea
            id="note-body"
            className="input"
            rows={3}
            required
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <SelectInput
          label={t.trips.noteDay}
          value={day}
          onChange={setDay}
          options={[
            { value: '', label: t.trips.noDay },
            ...days.map((d, n) => ({ value: d, label: `${t.trips.day(n + 1)} · ${formatDate(d)}` })),
          ]}
        />
        <Button type="submit" className="button" isDisabled={add.isPending}>
          {t.trips.addNote}
        </Button>
      </Form>
    </section>
  );
}

/** Who is on the trip and with which role; the owner can stop sharing with someone, after a confirmation. */
export function CollaboratorList(props: {
  tripId: string;
  collaborators: Collaborator[];
  isOwner: boolean;
  onChanged: () => void;
}) {
  const remove = useMutation({
    mutationFn: (c: Collaborator) =>
      unwrap(
        api.DELETE('/trips/{id}/collaborators/{collaboratorId}', {
          params: { path: { id: props.tripId, collaboratorId: c.id } },
        }),
      ),
    onSuccess: props.onChanged,
  });
  return (
    <>
      <ErrorBanner error={remove.error} onRetry={() => remove.variables && remove.mutate(remove.variables)} />
      {remove.isSuccess && (
        <p role="status" className="banner success">
          {t.trips.removed(remove.variables.email)}
        </p>
      )}
      {props.collaborators.length === 0 ? (
        <p className="hint">{t.trips.noCollaborators}</p>
      ) : (
        <ul className="people">
          {props.collaborators.map((c) => (
            <li key={c.id}>
              <span>
                {c.email} · {t.trips.roles[c.role]}
              </span>
              {props.isOwner && (
                <ConfirmDialog
                  trigger={t.trips.remove}
                  triggerLabel={t.trips.removeWho(c.email)}
                  title={t.trips.removeTitle(c.email)}
                  body={t.trips.removeBody}
                  confirm={t.trips.confirmRemove}
                  cancel={t.trips.keepSharing}
                  onConfirm={() => remove.mutate(c)}
                  isPending={remove.isPending}
                />
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
