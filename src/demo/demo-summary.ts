import { join } from 'node:path';
import type { RunEvent } from '../engine/events.js';
import { readJournal } from '../run/journal.js';
import { listRuns } from '../run/list-runs.js';
import { shellQuote } from '../core/shell-quote.js';
import { rowsSinceBackup } from './backup-compare.js';
import { demoAdminPassword } from './plan-args.js';
import { appDatabase } from './standin.js';
import { fileSha256, type AppWorkspace } from './workspace.js';

/** The fingerprints of the app's files before a run. */
export interface Fingerprints {
  readonly env: string;
  readonly catalogue: string;
}

/** sha256 of the app's .env and catalogue.db, taken before the run. */
export function fingerprints(app: AppWorkspace): Fingerprints {
  return { env: fileSha256(app.envPath), catalogue: fileSha256(app.cataloguePath) };
}

function sameOrChanged(before: string, after: string, same: string): string {
  return before === after
    ? `${same} (sha256 ${after.slice(0, 12)}… as before)`
    : `CHANGED (sha256 ${before.slice(0, 12)}… before, ${after.slice(0, 12)}… now)`;
}

/** Steps that failed but were allowed to (continue_on_error), with their first error line. */
function continuedFailures(events: readonly RunEvent[]): string[] {
  return events.flatMap((e) => {
    if (e.type !== 'step-end' || e.status !== 'failed' || !e.continued) return [];
    // A message ending in "last lines of stderr:" is only useful with its next line.
    const [first = '', next = ''] = (e.error ?? '').split('\n');
    return [`${e.step}: ${first.endsWith(':') ? `${first} ${next.trim()}` : first}`];
  });
}

/** The backup the run's backup step made, from its undo token in the journal. */
export function backupOf(events: readonly RunEvent[]): string | undefined {
  for (const e of events) {
    if (e.type !== 'step-end' || e.step !== 'backup' || e.status !== 'succeeded') continue;
    const backup = (e.undo as { backup?: unknown } | undefined)?.backup;
    if (typeof backup === 'string') return backup;
  }
  return undefined;
}

/** Whether catalogue.db holds every row of the backup; the app's own writes since its restart are named, not hidden. */
function catalogueLine(app: AppWorkspace, backup: string | undefined): string {
  if (backup === undefined) return 'not backed up in this run';
  const { lost, added } = rowsSinceBackup(app.cataloguePath, backup);
  const list = (rows: Readonly<Record<string, number>>) =>
    Object.entries(rows)
      .map(([t, n]) => `${t} ${n}`)
      .join(', ');
  if (Object.keys(lost).length > 0) return `LOST rows of the backup ${backup}: ${list(lost)}`;
  const since = Object.keys(added).length > 0 ? `; rows the app wrote since its restart: ${list(added)}` : '';
  return `every row of the backup ${backup} is there${since}`;
}

/**
 * The lines the demo ends with: where the workspace is, what the app serves now,
 * and after a failed run whether .env came back byte for byte and catalogue.db holds every row of the backup.
 */
export async function demoSummary(app: AppWorkspace, before: Fingerprints, runbookBin: string): Promise<string[]> {
  const run = listRuns(app.dir)[0];
  if (!run) return ['no run was recorded (the plan did not start)'];
  const events = readJournal(join(run.dir, 'journal.jsonl'));
  const database = await appDatabase(app.appUrl, demoAdminPassword);
  const served = database.ok
    ? `serves from ${database.dialect} (${database.files} files, ${app.appUrl}/api/admin/status/overview)`
    : `does not answer as admin: ${database.error}`;
  // The run's own output already ended with its report's path; saying it again would only repeat it.
  const lines = [`workspace:  ${app.dir}`, `the app     ${served}`];
  if (run.exitCode !== 0) {
    lines.push(
      `.env        ${sameOrChanged(before.env, fileSha256(app.envPath), 'back as before')}`,
      `catalogue   ${catalogueLine(app, backupOf(events))}`,
    );
  }
  for (const failure of continuedFailures(events)) lines.push(`note:       allowed to fail, the run went on: ${failure}`);
  lines.push(`look:       cd ${shellQuote(app.dir)} && node ${shellQuote(runbookBin)} show last`);
  return lines;
}
