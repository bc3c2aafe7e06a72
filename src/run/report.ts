import type { RunEvent, RunStatus } from '../engine/events.js';
import { formatDuration } from '../core/duration.js';

type Ev<T extends RunEvent['type']> = Extract<RunEvent, { type: T }>;

const statusLine: Record<RunStatus, string> = {
  succeeded: 'succeeded',
  'failed-rolled-back': 'failed, rolled back',
  'failed-rollback-incomplete': 'failed, ROLLBACK INCOMPLETE — needs a human',
  'failed-not-rolled-back': 'failed, NOT rolled back (--no-rollback) — the system is left as it was at the failure',
  interrupted: 'interrupted, rolled back',
  'interrupted-rollback-incomplete': 'interrupted, ROLLBACK INCOMPLETE — needs a human',
  'rolled-back': 'rolled back later (runbook rollback): every finished step was undone',
  'rollback-incomplete': 'rolled back later, ROLLBACK INCOMPLETE — needs a human',
};

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/**
 * The human summary of a run (report.md), made from its journal events alone. Without `final`
 * (a journal with no run-end: runbook was killed, or could not write its journal) it says so.
 */
export function renderReport(
  events: readonly RunEvent[],
  final?: { status: RunStatus; exitCode: number; durationMs: number; finallyFailed?: readonly string[] },
): string {
  const start = events.find((e): e is Ev<'run-start'> => e.type === 'run-start');
  if (!start) return '# Run\n\nThe journal has no run-start event.\n';
  const ends = new Map(events.filter((e): e is Ev<'step-end'> => e.type === 'step-end').map((e) => [e.step, e]));
  const starts = new Map(events.filter((e): e is Ev<'step-start'> => e.type === 'step-start').map((e) => [e.step, e]));
  const out: string[] = [];
  const cleanupFailed = final?.finallyFailed?.length
    ? `; FINALLY STEP FAILED (${final.finallyFailed.join(', ')}) — its cleanup is not done`
    : '';
  out.push(
    `# ${start.plan.title ?? start.plan.name}: ${final ? statusLine[final.status] + cleanupFailed : 'its end is NOT in the journal — check by hand'}`,
    '',
  );
  if (!final)
    out.push(
      'The journal has no end of the run: it is still running, or runbook was killed, or could not write its journal (a full disk). What the steps below changed may still be changed; the undo tokens and rollback actions are in the journal.',
      '',
    );
  out.push(`- Run: \`${start.runId}\``);
  out.push(`- Plan: \`${start.plan.file}\` (${start.plan.name}, sha256 \`${start.plan.sha256.slice(0, 16)}…\`)`);
  out.push(`- Started: ${start.at}${final ? ` · duration ${formatDuration(final.durationMs)} · exit code ${final.exitCode}` : ''}`);
  out.push(`- Directory: \`${start.runDir}\``);
  for (const c of events.filter((e): e is Ev<'run-continue'> => e.type === 'run-continue'))
    out.push(
      `- Continued by \`runbook ${c.mode}\`: ${c.at} (pid ${c.pid} on host ${c.host})${c.planChanged ? ', with a changed plan' : ''}`,
    );
  out.push('');

  for (const c of events.filter((e): e is Ev<'earlier-run-cleaned'> => e.type === 'earlier-run-cleaned')) {
    out.push(`## Left by run ${c.runId} (it died)`, '', ...c.done.map((d) => `- ${d}`), '');
  }

  out.push('## Steps', '', '| # | Step | Kind | Status | Duration | Notes |', '|---|------|------|--------|----------|-------|');
  start.steps.forEach((s, i) => {
    if (s.finally && !start.steps[i - 1]?.finally) out.push(`| | *finally: run whatever happened* | | | | |`);
    const e = ends.get(s.id);
    const began = starts.has(s.id);
    const status = e
      ? e.status === 'failed'
        ? e.continued
          ? 'failed (continued)'
          : '**failed**'
        : e.status
      : began
        ? '**stopped**'
        : 'not run';
    const notes = e?.error ?? e?.reason ?? e?.note ?? '';
    out.push(
      `| ${i + 1} | ${cell(s.id)}${s.title ? ` — ${cell(s.title)}` : ''} | ${s.kind} | ${status} | ${e ? formatDuration(e.durationMs) : ''} | ${cell(notes)} |`,
    );
  });
  out.push('');

  const failed = [...ends.values()].filter((e) => e.status === 'failed' && !e.continued);
  const isFinally = new Set(start.steps.filter((s) => s.finally).map((s) => s.id));
  for (const f of failed) {
    out.push(`## ${isFinally.has(f.step) ? 'Finally step failed' : 'Failure'}: ${f.step}`, '', '```', f.error ?? '', '```');
    if (f.hint) out.push('', `Hint: ${f.hint}`);
    out.push('');
  }
  const interrupts = events.filter((e): e is Ev<'interrupt'> => e.type === 'interrupt');
  if (interrupts.length)
    out.push(
      '## Interrupted',
      '',
      ...interrupts.map(
        (i) => `- ${i.signal ?? 'SIGINT'} (#${i.count}) during ${i.during} at ${i.at}${i.count > 1 ? ': stopped the rollback' : ''}`,
      ),
      '',
    );
  const faults = events.filter((e): e is Ev<'fault'> => e.type === 'fault');
  if (faults.length) out.push('## Faults', '', ...faults.map((f) => `- during ${f.during} at ${f.at}: ${f.message}`), '');

  // The last rollback tells: a run kept by --no-rollback may be rolled back later.
  const rb = [...events].reverse().find((e): e is Ev<'rollback-start'> => e.type === 'rollback-start');
  if (rb) {
    const rbEnd = [...events].reverse().find((e): e is Ev<'rollback-end'> => e.type === 'rollback-end');
    out.push('## Rollback', '', `Reason: ${rb.reason}`, '');
    // Steps with nothing to undo are named once, not listed one by one among the real undo work.
    const nothing = events
      .filter((e): e is Ev<'rollback-step'> => e.type === 'rollback-step' && e.nothingToUndo)
      .map((e) => `\`${e.step}\``);
    if (nothing.length)
      out.push(`Nothing to undo (no rollback declared) in ${nothing.length} finished step(s): ${nothing.join(', ')}.`, '');
    for (const e of events) {
      if (e.type === 'rollback-step') {
        if (!e.nothingToUndo) out.push(`- **${e.step}**`);
      } else if (e.type === 'rollback-action-end') {
        const mark = e.status === 'succeeded' ? 'done' : e.status === 'skipped' ? 'skipped' : '**FAILED**';
        const why = e.error ?? e.reason ?? e.note;
        out.push(`  - ${mark}: ${e.title} (${formatDuration(e.durationMs)})${why ? ` — ${why}` : ''}`);
        for (const w of e.warnings ?? []) out.push(`    - warning: ${w}`);
      }
    }
    out.push('');
    const kept = events
      .filter(
        (e): e is Ev<'rollback-action-end'> =>
          e.type === 'rollback-action-end' && e.status === 'skipped' && (e.reason ?? '').startsWith('kept on purpose'),
      )
      .map((e) => `\`${e.step}\``);
    if (rbEnd?.complete)
      out.push(
        `Rollback complete: every finished step was undone${kept.length ? `, except what was kept on purpose (${kept.join(', ')})` : ''}.`,
        '',
      );
    else if (rbEnd)
      out.push(
        `Rollback incomplete. Not undone: ${rbEnd.failed.length ? rbEnd.failed.map((f) => `\`${f}\``).join(', ') : 'see above'}. Check these by hand.`,
        '',
      );
    if (rbEnd?.byHand?.length) out.push('## Still changed: undo by hand', '', ...rbEnd.byHand.map((line) => `- ${line}`), '');
  }

  const warnings = [...ends.values()].flatMap((e) => (e.warnings ?? []).map((w) => `- ${e.step}: ${w}`));
  if (warnings.length) out.push('## Warnings', '', ...warnings, '');
  const notes = [...ends.values()].filter(
    (e) => e.status === 'succeeded' && e.note && start.steps.find((s) => s.id === e.step)?.kind === 'note',
  );
  if (notes.length) out.push('## Notes', '', ...notes.map((e) => `- ${e.note}`), '');
  out.push(`Journal: \`journal.jsonl\` in the run directory; each step's output under \`steps/\`.`, '');
  return out.join('\n');
}
