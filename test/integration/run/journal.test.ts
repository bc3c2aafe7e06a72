import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/engine/events.js';
import { Journal, readJournal } from '../../../src/run/journal.js';
import { fillDisk, mountSmallDisk, unmountSmallDisk } from '../../helpers/small-disk.js';

const event = (n: number): RunEvent => ({
  type: 'rollback-step',
  at: new Date(0).toISOString(),
  step: `step-${n}-${'x'.repeat(200)}`,
  actions: 1,
  nothingToUndo: false,
});

describe('the journal on a disk that fills up and frees again (real tmpfs)', () => {
  // A real full filesystem needs `mount` (root or CAP_SYS_ADMIN); elsewhere the test is skipped, saying why.
  const dir = mkdtempSync(join(tmpdir(), 'runbook-journal-'));
  const mounted = mountSmallDisk(dir, '64k');
  afterAll(() => {
    if (mounted) unmountSmallDisk(dir);
  });

  it.skipIf(!mounted)(
    'returns the write error instead of throwing, then goes on on a fresh line so every whole event reads back [needs mount: root]',
    async () => {
      const path = join(dir, 'journal.jsonl');
      const journal = new Journal(path);
      expect(journal.append(event(0))).toBeUndefined();
      fillDisk(dir);
      let n = 1;
      let error: NodeJS.ErrnoException | undefined;
      // The journal's last page still has room: events go in until it is full, the last one cut off.
      for (; error === undefined; n++) error = journal.append(event(n));
      expect(error.code).toBe('ENOSPC');
      expect(journal.lost).toBe(1);
      const lostAt = n - 1;
      expect(readJournal(path).map((e) => (e as { step: string }).step)).toEqual(
        Array.from({ length: lostAt }, (_, i) => event(i)).map((e) => (e as { step: string }).step),
      );

      rmSync(join(dir, 'filler'));
      expect(journal.append(event(n))).toBeUndefined();
      await journal.close();
      const steps = readJournal(path).map((e) => (e as { step: string }).step);
      expect(steps).toEqual([...Array.from({ length: lostAt }, (_, i) => i), n].map((i) => (event(i) as { step: string }).step));
      // The piece of the lost event, if any, stands on a line of its own.
      const lostLine = JSON.stringify(event(lostAt));
      const unreadable = readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => {
          try {
            JSON.parse(l);
            return false;
          } catch {
            return l !== '';
          }
        });
      expect(unreadable.every((l) => lostLine.startsWith(l))).toBe(true);
    },
  );
});
