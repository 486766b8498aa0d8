import { FieldError, Input, Label, Text, TextField } from 'react-aria-components';

/** A labelled text input (React Aria TextField): the label is always visible. */
export function TextInput(props: {
  label: string;
  name: string;
  type?: 'text' | 'email' | 'password' | 'number' | 'date';
  value?: string;
  onChange?: (v: string) => void;
  isRequired?: boolean;
  description?: string;
  autoComplete?: string;
  minLength?: number;
}) {
  return (
    <TextField
      className="field"
      name={props.name}
      type={props.type ?? 'text'}
      isRequired={props.isRequired}
      {...(props.value !== undefined ? { value: props.value } : {})}
      {...(props.onChange ? { onChange: props.onChange } : {})}
      {...(props.autoComplete ? { autoComplete: props.autoComplete } : {})}
      {...(props.minLength ? { minLength: props.minLength } : {})}
    >
      <Label>{props.label}</Label>
      <Input className="input" />
      {props.description && <Text slot="description">{props.description}</Text>}
      <FieldError className="field-error" />
    </TextField>
  );
}

/** A labelled native select: options are few and the browser's own control is accessible. */
export function SelectInput(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: { value: string; label: string }[];
}) {
  const id = `select-${props.label.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} className="input" value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
