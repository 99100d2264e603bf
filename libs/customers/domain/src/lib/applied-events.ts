/**
 * Consumers deduplicate by event id (DESIGN §4): a document remembers the ids of the last events
 * applied to it, newest first, and an event whose id is among them changes nothing. The window is
 * bounded so the document stays small; a redelivery arrives long before this many newer events.
 */
export const APPLIED_EVENTS_KEPT = 100;

/** True when the event was applied already (a redelivery). */
export function alreadyApplied(applied: readonly string[] | undefined, eventId: string): boolean {
  return !!applied?.includes(eventId);
}

/** The remembered ids once `eventId` has been applied: it first, the oldest dropped beyond the window. */
export function rememberApplied(applied: readonly string[] | undefined, eventId: string): string[] {
  return [eventId, ...(applied ?? []).filter((id) => id !== eventId)].slice(0, APPLIED_EVENTS_KEPT);
}
