import { spawn, type ChildProcess } from 'node:child_process';

/**
 * The watchdog: a small shell that outlives runbook by a moment. runbook tells it, on its stdin,
 * which process groups run (`+PGID`) and which ended (`-PGID`); when runbook dies in any way,
 * even by SIGKILL, the pipe closes, and the watchdog ends the groups still listed. It ignores the
 * terminal's signals, so Ctrl-C reaches runbook (which rolls back) and not it.
 */
const script = `trap '' INT TERM HUP PIPE
groups=' '
while IFS= read -r line; do
  case "$line" in
    +*) groups="$groups\${line#+} " ;;
    -*) g=\${line#-}; kept=' '; for x in $groups; do [ "$x" = "$g" ] || kept="$kept$x "; done; groups=$kept ;;
  esac
done
[ -z "\${groups# }" ] && exit 0
for g in $groups; do kill -TERM "-$g" 2>/dev/null; done
sleep 1
for g in $groups; do kill -KILL "-$g" 2>/dev/null; done
`;

let watchdog: ChildProcess | undefined;

function started(): ChildProcess {
  const child = spawn('/bin/sh', ['-c', script], { stdio: ['pipe', 'ignore', 'ignore'] });
  // It must never keep runbook alive, and a watchdog that died must never fail a step.
  child.on('error', () => {});
  child.stdin?.on('error', () => {});
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return child;
}

/** Starts the watchdog if it is not running yet: before a child is spawned, so noting the child right after is quick. */
export function readyWatchdog(): void {
  watchdog ??= started();
}

function tell(line: string): void {
  readyWatchdog();
  watchdog!.stdin?.write(`${line}\n`);
}

/** Has the watchdog end this process group if runbook dies while it runs; call the returned function once it has ended. */
export function watchGroup(pgid: number): () => void {
  tell(`+${pgid}`);
  return () => tell(`-${pgid}`);
}
