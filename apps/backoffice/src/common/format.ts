import type { Customer, CustomerFields } from '../api/types';
import { ApiError } from '../api/client';

export function customerName(c: CustomerFields): string {
  const person = [c.firstName, c.lastName].filter(Boolean).join(' ');
  return c.companyName || person || '(no name)';
}

export function contactLine(c: Customer): string {
  return [c.email, c.phone || c.mobile].filter(Boolean).join(' · ');
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

/** Field names as staff read them. */
export const FIELD_LABELS: Record<string, string> = {
  customerCode: 'Customer code',
  firstName: 'First name',
  lastName: 'Last name',
  companyName: 'Company name',
  email: 'Email',
  phone: 'Phone',
  mobile: 'Mobile',
  fax: 'Fax',
  physicalAddress: 'Physical address',
  postalAddress: 'Postal address',
  taxNumber: 'Tax number',
  note: 'Note',
  name: 'Name',
};

export const label = (field: string) => FIELD_LABELS[field] ?? field;
