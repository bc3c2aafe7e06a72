import { readdirSync, readFileSync } from 'node:fs';

/** One process as /proc/<pid>/stat describes it. */
export interface ProcStat {
  readonly pid: number;
  /** The program name (at most 15 characters), never its arguments: those may hold secrets. */
  readonly name: string;
  readonly state: string;
  readonly pgrp: number;
  /** Clock ticks after boot at which the process started: a pid reused later has another. */
  readonly startTicks: string;
}

/** Reads /proc/<pid>/stat; undefined when the process is gone or /proc is not there. */
export function procStat(pid: number): ProcStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The name sits in parentheses and may itself hold spaces or parentheses: split after the last one.
  const close = stat.lastIndexOf(')');
  const name = stat.slice(stat.indexOf('(') + 1, close);
  const fields = stat.slice(close + 2).split(' ');
  // After the name: state (3), ppid (4), pgrp (5), ... starttime (22).
  return { pid, name, state: fields[0]!, pgrp: Number(fields[2]), startTicks: fields[19]! };
}

/** When a process started (clock ticks after boot), or undefined when it is gone or /proc is missing. */
export function processStart(pid: number): string | undefined {
  return procStat(pid)?.startTicks;
}

/** The id of this boot, so a record made before a reboot is never matched against new processes. */
export function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Every live (not zombie) process of a process group; undefined when /proc cannot be read. */
export function groupMembers(pgid: number): ProcStat[] | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  return pids.flatMap((pid) => {
    const s = procStat(Number(pid));
    return s && s.pgrp === pgid && s.state !== 'Z' ? [s] : [];
  });
}
