import type { StatusView } from './xero-status';
import { describe } from './xero-status';

function Glyph({ kind }: { kind: StatusView['kind'] }) {
  const mark =
    kind === 'failed' ? (
      <path d="M12 6.5v6.5M12 16.2v.3" strokeWidth="2.4" strokeLinecap="round" />
    ) : kind === 'rate_limited' ? (
      <path d="M12 7v5l3.2 2" strokeWidth="2" strokeLinecap="round" fill="none" />
    ) : kind === 'drifted' ? (
      <path d="M7.5 15.5l7-7 2 2-7 7h-2z" strokeWidth="1.6" fill="none" />
    ) : kind === 'not_linked' ? (
      <path d="M8 16L16 8" strokeWidth="2" strokeLinecap="round" />
    ) : (
      <path d="M8.5 8.5l7 7M15.5 8.5l-7 7" strokeWidth="2.2" strokeLinecap="round" />
    );
  return (
    <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
      <circle cx="12" cy="12" r="10.5" strokeWidth="1.5" />
      {mark}
    </svg>
  );
}

/**
 * The Xero icon. Pending and failed ones are buttons that push now; every icon carries its full
 * explanation as its accessible name and as the hover text.
 */
export function XeroIcon({ view, busy, onPush, showLabel }: { view: StatusView; busy?: boolean; onPush?: () => void; showLabel?: boolean }) {
  const text = describe(view);
  const inner = (
    <>
      <Glyph kind={view.kind} />
      {showLabel && <span className="xero-icon-label">{view.title}</span>}
    </>
  );
  if (view.canPush && onPush) {
    return (
      <button
        type="button"
        className={`xero-icon tone-${view.tone}`}
        data-status={view.kind}
        aria-label={`${text} Push to Xero now.`}
        title={`${text}\nClick to push now.`}
        disabled={busy}
        aria-busy={busy || undefined}
        onClick={onPush}
      >
        {inner}
      </button>
    );
  }
  return (
    <span className={`xero-icon tone-${view.tone}`} data-status={view.kind} role="img" aria-label={text} title={text}>
      {inner}
    </span>
  );
}
