import type { Command } from 'commander';
import { unlockWorkspace } from '../../run/unlock.js';
import { exitCodes, type CliIO } from '../io.js';
import type { Finish } from '../shared-options.js';

/** `runbook unlock`: the explicit, recorded way to take over the lock of a run that died. */
export function registerUnlock(program: Command, io: CliIO, finish: Finish): void {
  program
    .command('unlock')
    .description(
      'take over the lock of a run that died (killed or crashed): end what it left running, remove its temp files, record the takeover',
    )
    .argument('[run]', 'take the lock over only if this run (an id or a unique prefix) holds it')
    .option('--force', 'also take over a lock held on another host, or one that names no run (make sure no run holds it)')
    .addHelpText(
      'after',
      '\nExample:\n  runbook unlock\n\nExit codes: 0 taken over (or no lock), 2 the holder still runs or cannot be checked.\n',
    )
    .action(async (run: string | undefined, opts: { force?: boolean }) => {
      const r = await unlockWorkspace(io.cwd, { force: opts.force === true, ...(run !== undefined && { runId: run }) });
      if (!r.ok) {
        io.stderr.write(`runbook: ${r.message}\n  hint: ${r.hint}\n`);
        return finish(exitCodes.invalid);
      }
      io.stdout.write(`${r.message}\n${r.cleaned.map((c) => `  - ${c}\n`).join('')}`);
      finish(exitCodes.ok);
    });
}
