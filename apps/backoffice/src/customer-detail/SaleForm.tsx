import { useState } from 'react';
import type { ApiClient } from '../api/client';
import { ApiError } from '../api/client';
import { Alert } from '../common/Alert';
import { errorText } from '../common/format';

/** Record a sale on account: the whole customer goes to Xero (the contact is created when unlinked). */
export function SaleForm({ api, customerId, onRecorded }: { api: ApiClient; customerId: string; onRecorded: () => void }) {
  const [amount, setAmount] = useState('');
  const [reference, setReference] = useState('');
  const [problems, setProblems] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<{ tone: 'error' | 'success'; text: string }>();
  const [busy, setBusy] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setMessage(undefined);
    setProblems({});
    try {
      const sale = await api.recordSale(customerId, Number(amount), reference.trim());
      setMessage({ tone: 'success', text: `Recorded ${sale.amount} on account (${sale.reference}); the customer is being pushed to Xero.` });
      setAmount('');
      setReference('');
      onRecorded();
    } catch (err) {
      if (err instanceof ApiError) setProblems(err.fieldProblems());
      setMessage({ tone: 'error', text: errorText(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="sale-h">
      <h2 id="sale-h">On-account sale</h2>
      <form onSubmit={(e) => void submit(e)} className="sale-form">
        <div className={`field${problems['amount'] ? ' invalid' : ''}`}>
          <label htmlFor="sale-amount">Amount</label>
          <input id="sale-amount" inputMode="decimal" required value={amount} aria-invalid={problems['amount'] ? true : undefined} onChange={(e) => setAmount(e.target.value)} />
          {problems['amount'] && <p className="field-error">{problems['amount'].join('; ')}</p>}
        </div>
        <div className={`field${problems['reference'] ? ' invalid' : ''}`}>
          <label htmlFor="sale-ref">Reference</label>
          <input id="sale-ref" required value={reference} aria-invalid={problems['reference'] ? true : undefined} onChange={(e) => setReference(e.target.value)} />
          {problems['reference'] && <p className="field-error">{problems['reference'].join('; ')}</p>}
        </div>
        <button type="submit" className="button" disabled={busy}>
          Record sale
        </button>
      </form>
      {message && <Alert tone={message.tone}>{message.text}</Alert>}
    </section>
  );
}
