import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Mounts a small tmpfs on `dir`, a real filesystem that really fills up; false when mounting is
 * not permitted (it needs root or CAP_SYS_ADMIN), so the test can say it is skipped and why.
 */
export function mountSmallDisk(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** Unmounts a disk mounted by `mountSmallDisk`, even while a file on it is still open. */
export function unmountSmallDisk(dir: string): void {
  execFileSync('umount', ['-l', dir]);
}

/** Whether this machine lets the tests mount a small disk. */
export function canMountSmallDisk(): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-disk-probe-'));
  if (!mountSmallDisk(dir, '64k')) return false;
  unmountSmallDisk(dir);
  return true;
}

/** Fills the filesystem that holds `dir` until a write fails with ENOSPC. */
export function fillDisk(dir: string): void {
  execFileSync('/bin/sh', ['-c', 'cat /dev/zero > "$1/filler" 2>/dev/null; true', 'sh', dir]);
}
