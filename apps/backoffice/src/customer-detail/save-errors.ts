import { ApiError } from '../api/client';
import { errorText } from '../common/format';
import { problemsFromCode } from './customer-form';

/** The summary shown while fields carry messages; it goes when they have all been edited. */
export const FIX_FIELDS = 'Please correct the fields marked below.';

/** A refused save as the form shows it: messages per field, and one line for the top of the form. */
export function saveProblems(e: unknown): { fields: Record<string, string[]>; summary: string } {
  if (!(e instanceof ApiError)) return { fields: {}, summary: errorText(e) };
  const fields = e.fieldProblems();
  const code = !Array.isArray(e.body.details) ? e.body.details?.['code'] : undefined;
  Object.assign(fields, problemsFromCode(code, e.message));
  if (e.status === 412) return { fields, summary: 'Someone else changed this customer meanwhile. Reload to see their change, then edit again.' };
  return { fields, summary: Object.keys(fields).length ? FIX_FIELDS : e.message };
}
