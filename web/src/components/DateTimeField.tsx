import type { CalendarDate, ZonedDateTime } from '@internationalized/date';
import {
  DateField as AriaDateField,
  DateInput,
  DateSegment,
  FieldError,
  Label,
  Text,
} from 'react-aria-components';

/**
 * A date (or date and time) field from React Aria: typed segment by segment, each segment a
 * spin button for the keyboard and screen readers. With a ZonedDateTime value the time is the
 * place's own and its zone is shown.
 */
export function DateField<T extends CalendarDate | ZonedDateTime>(props: {
  label: string;
  value: T;
  onChange: (v: T) => void;
  minValue?: T;
  description?: string;
}) {
  return (
    <AriaDateField
      className="field"
      value={props.value}
      onChange={(v) => v && props.onChange(v as unknown as T)}
      {...(props.minValue ? { minValue: props.minValue } : {})}
      hideTimeZone={false}
      hourCycle={24}
      granularity={'hour' in props.value ? 'minute' : 'day'}
    >
      <Label className="field-label">{props.label}</Label>
      <DateInput className="input date-input">
        {(segment) => <DateSegment segment={segment} className="segment" />}
      </DateInput>
      {props.description && <Text slot="description">{props.description}</Text>}
      <FieldError className="field-error" />
    </AriaDateField>
  );
}
