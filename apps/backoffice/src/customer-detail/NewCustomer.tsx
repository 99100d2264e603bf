import { useState } from 'react';
import type { ApiClient } from '../api/client';
import { Alert } from '../common/Alert';
import { go, href } from '../common/router';
import { CustomerForm } from './CustomerForm';
import { toBody, toForm, withoutField } from './customer-form';
import { FIX_FIELDS, saveProblems } from './save-errors';

export function NewCustomer({ api }: { api: ApiClient }) {
  const [values, setValues] = useState(toForm());
  const [problems, setProblems] = useState<Record<string, string[]>>({});
  const [summary, setSummary] = useState<string>();
  const [saving, setSaving] = useState(false);

  async function create(e: React.FormEvent) {
    e.preventDefault();
    setSaving(true);
    setSummary(undefined);
    try {
      const c = await api.createCustomer(toBody(values));
      go(href.customer(c.id));
    } catch (err) {
      const p = saveProblems(err);
      setProblems(p.fields);
      setSummary(p.summary);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form className="panel" aria-labelledby="new-h" onSubmit={(e) => void create(e)} noValidate>
      <p>
        <a href={href.customers()}>← Customers</a>
      </p>
      <h1 id="new-h">New customer</h1>
      {summary && !(summary === FIX_FIELDS && Object.keys(problems).length === 0) && <Alert tone="error">{summary}</Alert>}
      <CustomerForm
            values={values}
            problems={problems}
            onChange={(v, field) => {
              setValues(v);
              setProblems((p) => withoutField(p, field));
            }}
          />
      <div className="actions">
        <button type="submit" className="button primary" disabled={saving}>
          {saving ? 'Creating…' : 'Create customer'}
        </button>
      </div>
    </form>
  );
}
