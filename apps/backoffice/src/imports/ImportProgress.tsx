import type { ImportJob } from '../api/types';
import { STATUS_WORDS, isFinal, partyText, percent, problemCustomers, skipWord, skippedTotal } from './import-words';

/** One import: progress while it runs, the report when it is done (a dry run says "would"). */
export function ImportProgress({ job, onCancel, cancelling }: { job: ImportJob; onCancel?: () => void; cancelling?: boolean }) {
  const pct = percent(job);
  const would = job.dryRun ? 'would be ' : '';
  return (
    <div className="import-job" data-status={job.status} data-import-id={job.id}>
      <h3>
        {job.dryRun ? 'Preview (dry run)' : 'Import'}: <span className="import-status">{STATUS_WORDS[job.status]}</span>
      </h3>
      <div className="progress-wrap">
        <progress
          max={100}
          value={pct}
          aria-label={`${job.dryRun ? 'Preview' : 'Import'} progress`}
          aria-valuetext={pct === undefined ? 'starting' : `${pct}% (${job.pagesDone} of ${job.pageCount} pages)`}
        />
        <span className="muted">
          {job.pageCount ? `page ${job.pagesDone} of ${job.pageCount}` : 'counting pages…'}
          {pct !== undefined && ` · ${pct}%`}
        </span>
      </div>
      <dl className="counts" aria-live="polite">
        <div>
          <dt>Contacts seen</dt>
          <dd data-count="seen">{job.seen}</dd>
        </div>
        <div>
          <dt>{job.dryRun ? 'To create' : 'Created'}</dt>
          <dd data-count="created">{job.created}</dd>
        </div>
        <div>
          <dt>{job.dryRun ? 'To link' : 'Linked'}</dt>
          <dd data-count="linked">{job.linked}</dd>
        </div>
        <div>
          <dt>Ambiguous</dt>
          <dd data-count="ambiguous">{job.ambiguous}</dd>
        </div>
        <div>
          <dt>Skipped</dt>
          <dd data-count="skipped">
            {skippedTotal(job)}
            {Object.entries(job.skipped ?? {})
              .filter(([, n]) => n)
              .map(([k, n]) => (
                <span key={k} className="muted">
                  {' '}
                  · {n} {skipWord(k)}
                </span>
              ))}
          </dd>
        </div>
      </dl>
      {job.error && <p className="tone-text-red">{job.error}</p>}
      {!isFinal(job) && onCancel && (
        <button type="button" className="button danger" onClick={onCancel} disabled={cancelling}>
          Cancel import
        </button>
      )}
      {job.problems?.length > 0 && (
        <details className="problems" open={isFinal(job)}>
          <summary>
            {job.problems.length} contact{job.problems.length === 1 ? '' : 's'} {would}left alone, for you to decide
          </summary>
          <table>
            <thead>
              <tr>
                <th scope="col">Why</th>
                <th scope="col">In Xero</th>
                <th scope="col">In the POS</th>
              </tr>
            </thead>
            <tbody>
              {job.problems.map((p, i) => (
                <tr key={i}>
                  <td>{p.message ?? p.reason ?? 'ambiguous'}</td>
                  <td>{partyText(p.contact)}</td>
                  <td>
                    {problemCustomers(p).map((c, j) => (
                      <div key={j}>{partyText(c)}</div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </div>
  );
}
