import type Database from 'better-sqlite3';
import { quoteIdent as q } from '../connections.js';
import type { RejectLog } from './copy-rejects.js';
import type { TableDdl } from '../ddl/schema-ddl.js';
import { Failed } from '../../core/failure.js';
import type { LoadJob } from './load.js';
import { describeOrphans, findOrphans } from './orphans.js';
import { describeClash } from './keys.js';
import type { TransferPlan } from './plan.js';
import type { ColumnMapping } from '../ddl/typemap.js';
import type { TransferOptions } from './options.js';

/** The load jobs of a transfer, and the foreign keys left out (orphans kept). */
export interface Prepared {
  readonly jobs: LoadJob[];
  readonly skipFks: ReadonlySet<string>;
}

/** Counts rows, finds orphans and applies the orphan policy; orphan rows rejected are written out now. */
export function prepareLoad(
  db: Database.Database,
  plan: TransferPlan,
  o: Pick<TransferOptions, 'onOrphans' | 'onBadValue'>,
  rejects: RejectLog,
  columnsOf: (t: TableDdl) => readonly ColumnMapping[],
  warn: (m: string) => void,
): Prepared {
  const orphans = findOrphans(db, plan.tables);
  if (orphans.length > 0 && o.onOrphans === 'fail') {
    throw new Failed(
      'data',
      `rows whose foreign key points at no parent row (SQLite did not enforce it): ${orphans.map(describeOrphans).join('; ')}.`,
      'Delete or fix those rows in SQLite, or set on_orphans: reject (write them to a reject file) or keep (load them and leave the foreign key out).',
    );
  }
  if (plan.keyClashes.length > 0 && o.onBadValue === 'fail') {
    const shown = plan.keyClashes.slice(0, 10).map(describeClash).join('; ');
    throw new Failed(
      'data',
      `rows a PostgreSQL key would refuse (SQLite accepted them): ${shown}${plan.keyClashes.length > 10 ? `; and ${plan.keyClashes.length - 10} more` : ''}.`,
      'Fix or delete those rows in SQLite, or set on_bad_value: reject to write them to a reject file (the key is still built).',
    );
  }
  for (const c of plan.keyClashes) warn(`keys: ${describeClash(c)} — written to the reject file`);
  const skipFks = new Set<string>();
  for (const orphan of orphans) {
    warn(
      `orphans: ${describeOrphans(orphan)} — ${o.onOrphans === 'keep' ? 'loaded; the foreign key is left out' : 'written to the reject file'}`,
    );
    if (o.onOrphans === 'keep') skipFks.add(`${orphan.table}:${orphan.foreignKey.columns.join(',')}`);
  }
  const jobs = plan.ddl.tables.map((t) => {
    const name = t.source.name;
    const mine = o.onOrphans === 'reject' ? orphans.filter((x) => x.table === name) : [];
    const clashes = plan.keyClashes.filter((c) => c.table === name);
    const keyRows = clashes.length > 0 ? `rowid IN (${clashes.map((c) => c.rowid).join(', ')})` : null;
    const orphanRows = mine.length > 0 ? mine.map((x) => x.condition).join(' OR ') : null;
    const exclude = [orphanRows, keyRows].filter((c) => c !== null).join(' OR ') || null;
    const key = t.source.withoutRowid ? '' : 'rowid AS "(rowid)", ';
    if (orphanRows) {
      for (const row of db
        .prepare(`SELECT ${key}* FROM ${q(name)} WHERE ${orphanRows}`)
        .safeIntegers(true)
        .all() as Record<string, unknown>[]) {
        const why = mine.find((x) => x.count > 0);
        rejects.add({
          table: name,
          where: `rowid ${String(row['(rowid)'] ?? '?')}`,
          column: why?.foreignKey.columns.join(',') ?? null,
          reason: `has no parent row in "${why?.foreignKey.refTable ?? '?'}"`,
          row,
        });
      }
    }
    for (const c of clashes) {
      const row = db
        .prepare(`SELECT * FROM ${q(name)} WHERE rowid = ?`)
        .safeIntegers(true)
        .get(BigInt(c.rowid)) as Record<string, unknown>;
      rejects.add({
        table: name,
        where: `rowid ${c.rowid}`,
        column: c.columns.join(','),
        reason: describeClash(c).replace(/^[^:]*: /, ''),
        row,
      });
    }
    const sourceRows = Number((db.prepare(`SELECT count(*) AS n FROM ${q(name)}`).get() as { n: number }).n);
    return { table: t.source, columns: columnsOf(t), sourceRows, excluded: rejects.count(name), exclude, truncate: false };
  });
  // The orphan check filled this connection's page cache; the load reads on connections of its own.
  db.pragma('shrink_memory');
  return { jobs, skipFks };
}

/** Nothing to load (schema-only). */
export const noJobs = (): Prepared => ({ jobs: [], skipFks: new Set<string>() });
