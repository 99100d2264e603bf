import { ApiError } from '../api/client';
import { errorText } from '../common/format';
import { problemsFromCode } from './customer-form';

/** A refused save as the form shows it: messages per field, and one line for the top of the form. */
export function saveProblems(e: unknown): { fields: Record<string, string[]>; summary: string } {
  if (!(e instanceof ApiError)) return { fields: {}, summary: errorText(e) };
  const fields = e.fieldProblems();
  const code = !Array.isArray(e.body.details) ? e.body.details?.['code'] : undefined;
  Object.assign(fields, problemsFromCode(code, e.message));
  if (e.status === 412) return { fields, summary: 'Someone else changed this customer meanwhile. Reload to see their change, then edit again.' };
  return { fields, summary: Object.keys(fields).length ? 'Please correct the fields marked below.' : e.message };
}
