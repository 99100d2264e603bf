import { APPLIED_EVENTS_KEPT, alreadyApplied, rememberApplied } from './applied-events';

describe('applied events', () => {
  it('knows an event applied before, and nothing else', () => {
    const ids = rememberApplied(undefined, 'e-1');
    expect(alreadyApplied(ids, 'e-1')).toBe(true);
    expect(alreadyApplied(ids, 'e-2')).toBe(false);
    expect(alreadyApplied(undefined, 'e-1')).toBe(false);
  });

  it('keeps the newest first and forgets beyond the window', () => {
    let ids: string[] = [];
    for (let i = 1; i <= APPLIED_EVENTS_KEPT + 5; i++) ids = rememberApplied(ids, `e-${i}`);
    expect(ids).toHaveLength(APPLIED_EVENTS_KEPT);
    expect(ids[0]).toBe(`e-${APPLIED_EVENTS_KEPT + 5}`);
    expect(alreadyApplied(ids, 'e-5')).toBe(false);
    expect(alreadyApplied(ids, 'e-6')).toBe(true);
  });

  it('does not change the list it was given', () => {
    const ids = ['e-1'];
    rememberApplied(ids, 'e-2');
    expect(ids).toEqual(['e-1']);
  });
});
