import { useId } from 'react';
import { ADDRESS_PARTS } from '../api/types';
import { label } from '../common/format';
import type { FormValues } from './customer-form';
import { ADDRESS_FIELDS } from './customer-form';

const PART_LABELS: Record<string, string> = {
  line1: 'Address line 1',
  line2: 'Address line 2',
  suburb: 'Suburb',
  city: 'City',
  postcode: 'Postcode',
  state: 'State / region',
  country: 'Country',
};

function Field({
  name,
  text,
  value,
  problems,
  onChange,
  type = 'text',
  multiline,
}: {
  name: string;
  text: string;
  value: string;
  problems?: string[];
  onChange: (v: string) => void;
  type?: string;
  multiline?: boolean;
}) {
  const id = useId();
  const errId = `${id}-err`;
  const common = {
    id,
    name,
    value,
    'aria-invalid': problems?.length ? true : undefined,
    'aria-describedby': problems?.length ? errId : undefined,
  };
  return (
    <div className={`field${problems?.length ? ' invalid' : ''}`}>
      <label htmlFor={id}>{text}</label>
      {multiline ? (
        <textarea {...common} rows={3} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input {...common} type={type} onChange={(e) => onChange(e.target.value)} />
      )}
      {problems?.length ? (
        <p className="field-error" id={errId}>
          {problems.join('; ')}
        </p>
      ) : null}
    </div>
  );
}

/** Every customer field, with the server's messages next to the field they name. */
export function CustomerForm({
  values,
  problems,
  onChange,
}: {
  values: FormValues;
  problems: Record<string, string[]>;
  /** the new values, and the field edited (its server message no longer applies) */
  onChange: (v: FormValues, field: string) => void;
}) {
  const set = (f: keyof FormValues, v: string) => onChange({ ...values, [f]: v }, f);
  const text = (f: 'customerCode' | 'firstName' | 'lastName' | 'companyName' | 'phone' | 'mobile' | 'fax' | 'taxNumber', type = 'text') => (
    <Field name={f} text={label(f)} value={values[f]} problems={problems[f]} type={type} onChange={(v) => set(f, v)} />
  );
  return (
    <div className="customer-form">
      <fieldset>
        <legend>Name</legend>
        <p className="muted">A company name, or a first and last name. Xero shows the company name when set.</p>
        <div className="grid">
          {text('firstName')}
          {text('lastName')}
          {text('companyName')}
          {text('customerCode')}
        </div>
      </fieldset>
      <fieldset>
        <legend>Contact</legend>
        <div className="grid">
          <Field name="email" text={label('email')} type="email" value={values.email} problems={problems['email']} onChange={(v) => set('email', v)} />
          {text('phone', 'tel')}
          {text('mobile', 'tel')}
          {text('fax', 'tel')}
          {text('taxNumber')}
        </div>
      </fieldset>
      {ADDRESS_FIELDS.map((af) => (
        <fieldset key={af}>
          <legend>{label(af)}</legend>
          {problems[af] && <p className="field-error">{problems[af].join('; ')}</p>}
          <div className="grid">
            {ADDRESS_PARTS.map((p) => (
              <Field
                key={p}
                name={`${af}.${p}`}
                text={PART_LABELS[p]}
                value={values[af][p]}
                problems={problems[`${af}.${p}`]}
                onChange={(v) => onChange({ ...values, [af]: { ...values[af], [p]: v } }, `${af}.${p}`)}
              />
            ))}
          </div>
        </fieldset>
      ))}
      <fieldset>
        <legend>Note</legend>
        <Field name="note" text="Note (kept in the POS only)" value={values.note} problems={problems['note']} multiline onChange={(v) => set('note', v)} />
      </fieldset>
    </div>
  );
}
