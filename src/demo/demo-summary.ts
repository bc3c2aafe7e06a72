import { join } from 'node:path';
import type { RunEvent } from '../engine/events.js';
import { readJournal } from '../run/journal.js';
import { listRuns } from '../run/list-runs.js';
import { shellQuote } from '../template/shell-quote.js';
import { appHealth } from './standin.js';
import { fileSha256, type AppWorkspace } from './workspace.js';

/** The fingerprints of what a rollback must give back unchanged. */
export interface Fingerprints {
  readonly env: string;
  readonly catalogue: string;
}

/** sha256 of the app's .env and catalogue.db, taken before the run. */
export function fingerprints(app: AppWorkspace): Fingerprints {
  return { env: fileSha256(app.envPath), catalogue: fileSha256(app.cataloguePath) };
}

function sameOrChanged(before: string, after: string, same: string): string {
  return before === after ? `${same} (sha256 ${after.slice(0, 12)}… as before)` : `CHANGED (sha256 ${before.slice(0, 12)}… before, ${after.slice(0, 12)}… now)`;
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

/**
 * The lines the demo ends with: where the report and workspace are, what the app serves now,
 * and after a failed run whether .env and catalogue.db came back byte for byte.
 */
export async function demoSummary(app: AppWorkspace, before: Fingerprints, runbookBin: string): Promise<string[]> {
  const run = listRuns(app.dir)[0];
  if (!run) return ['no run was recorded (the plan did not start)'];
  const events = readJournal(join(run.dir, 'journal.jsonl'));
  const health = await appHealth(app.appUrl);
  const served = health.ok ? `serves from ${health.dialect} (${health.files} files, ${app.appUrl}/health)` : `does not answer /health: ${health.error}`;
  const lines = [`report:     ${join(run.dir, 'report.md')}`, `workspace:  ${app.dir}`, `the app     ${served}`];
  if (run.exitCode !== 0) {
    lines.push(
      `.env        ${sameOrChanged(before.env, fileSha256(app.envPath), 'back as before')}`,
      `catalogue   ${sameOrChanged(before.catalogue, fileSha256(app.cataloguePath), 'intact')}`,
    );
  }
  for (const failure of continuedFailures(events)) lines.push(`note:       allowed to fail, the run went on: ${failure}`);
  lines.push(`look:       cd ${shellQuote(app.dir)} && node ${shellQuote(runbookBin)} show last`);
  return lines;
}
