import type { ReactNode } from 'react';

/** A message the screen reader announces: `error` interrupts (role=alert), `info` waits its turn. */
export function Alert({ tone, children }: { tone: 'error' | 'info' | 'success'; children: ReactNode }) {
  return (
    <div className={`alert alert-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}
