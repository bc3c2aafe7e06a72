// One small interface over SQLite (better-sqlite3) and PostgreSQL (pg): the routes write SQL
// once with `?` placeholders; only case-insensitive matching differs between the two.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { sqlitePath } from './config.mjs';

/** Opens the database a SQLAlchemy URL names. */
export function openDatabase(url, dir) {
  if (url.startsWith('sqlite:')) return openSqlite(sqlitePath(url, dir));
  if (/^postgres(ql)?(\+\w+)?:\/\//.test(url)) return openPostgres(url.replace(/^postgres(ql)?(\+\w+)?:/, 'postgresql:'));
  throw new Error(`unsupported database URL scheme "${url.split(':')[0]}"; expected sqlite:/// or postgresql://`);
}

function openSqlite(path) {
  if (!existsSync(path)) throw new Error(`no SQLite file at ${path}`);
  const db = new Database(path, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  // SQLite's lower() and LIKE fold only ASCII; JavaScript folds Cyrillic too.
  db.function('unicode_lower', { deterministic: true }, (v) => (typeof v === 'string' ? v.toLowerCase() : v));
  // SQLAlchemy stores Boolean as 0/1 on SQLite; better-sqlite3 does not bind JS booleans.
  const bind = (params) => params.map((p) => (typeof p === 'boolean' ? Number(p) : p));
  const query = async (sql, params = []) => {
    const statement = db.prepare(sql);
    if (statement.reader) return statement.all(...bind(params));
    statement.run(...bind(params));
    return [];
  };
  let queue = Promise.resolve();
  const adapter = {
    dialect: 'sqlite',
    query,
    contains: (column) => `unicode_lower(${column}) LIKE ? ESCAPE '\\'`,
    // One connection: transactions take turns so that two requests never share one.
    transaction(work) {
      const run = queue.then(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await work(adapter);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          db.exec('ROLLBACK');
          throw error;
        }
      });
      queue = run.catch(() => {});
      return run;
    },
    async close() {
      db.close();
    },
  };
  return adapter;
}

function openPostgres(url) {
  const types = {
    getTypeParser(oid, format) {
      if (oid === 1114 || oid === 1184) return (text) => text; // timestamps as the text PostgreSQL sent
      if (oid === 20) return (text) => Number(text); // count(*) and bigint ids
      return pg.types.getTypeParser(oid, format);
    },
  };
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5000, types });
  pool.on('error', () => {}); // an idle connection dropped by the server; the next query reports it
  const numbered = (sql) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };
  const over = (client) => ({
    dialect: 'postgresql',
    query: async (sql, params = []) => (await client.query(numbered(sql), params)).rows,
    contains: (column) => `${column} ILIKE ? ESCAPE '\\'`,
  });
  return {
    ...over(pool),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(over(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
