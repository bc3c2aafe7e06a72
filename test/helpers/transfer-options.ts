import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TransferOptions } from '../../src/db/transfer/transfer.js';

/** Options of a transfer into schema public in mode create, every policy at its strictest, unless `more` says otherwise. */
export function transferOptions(sqlitePath: string, pgUrl: string, more: Partial<TransferOptions> = {}): TransferOptions {
  return {
    sqlitePath,
    pgUrl,
    mode: 'create',
    schema: 'public',
    cast: [],
    jsonType: 'json',
    onBadValue: 'fail',
    onOrphans: 'fail',
    ifExists: 'fail',
    parallel: 2,
    virtualTables: 'skip',
    rejectDir: join(mkdtempSync(join(tmpdir(), 'runbook-rej-')), 'rejects'),
    signal: new AbortController().signal,
    progress: () => {},
    warn: () => {},
    ...more,
  };
}
