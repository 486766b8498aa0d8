import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ComboBox, Input, Label, ListBox, ListBoxItem, Popover, Text } from 'react-aria-components';
import { api, unwrap } from '../api/client';
import type { Place } from '../api/types';
import { t } from '../i18n';

/** Type a place's name, pick it from Voyage's catalogue (GET /places). */
export function PlaceSearch(props: {
  label: string;
  kind?: 'city' | 'airport' | 'location';
  value: Place | undefined;
  onChange: (place: Place | undefined) => void;
  description?: string;
}) {
  const [text, setText] = useState(props.value?.label ?? '');
  const q = text.trim();
  const places = useQuery({
    queryKey: ['places', q, props.kind],
    queryFn: () =>
      unwrap(api.GET('/places', { params: { query: { q, ...(props.kind ? { kind: props.kind } : {}) } } })),
    enabled: q.length > 0 && q !== props.value?.label,
    staleTime: 60_000,
  });
  const found = places.data?.places ?? [];
  // The chosen place stays among the items, so that the combobox keeps it selected.
  const items =
    props.value && !found.some((p) => p.kind === props.value!.kind && p.id === props.value!.id)
      ? [props.value, ...found]
      : found;
  return (
    <ComboBox
      className="field"
      inputValue={text}
      onInputChange={(v) => {
        setText(v);
        if (props.value && v !== props.value.label) props.onChange(undefined);
      }}
      items={items}
      selectedKey={props.value ? `${props.value.kind}:${props.value.id}` : null}
      onSelectionChange={(key) => {
        if (key === null) return;
        const place = items.find((p) => `${p.kind}:${p.id}` === key);
        props.onChange(place);
        if (place) setText(place.label);
      }}
      menuTrigger="input"
      allowsEmptyCollection
    >
      <Label>{props.label}</Label>
      <Input className="input" />
      {props.description && <Text slot="description">{props.description}</Text>}
      <Popover className="popover">
        <ListBox
          className="listbox"
          renderEmptyState={() => (
            <p className="empty">{places.isFetching ? t.app.loading : t.search.noPlaces}</p>
          )}
        >
          {(p: Place) => (
            <ListBoxItem id={`${p.kind}:${p.id}`} textValue={p.label} className="option">
              {p.label}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </ComboBox>
  );
}
