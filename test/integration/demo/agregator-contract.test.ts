// The stand-in (examples/agregator-standin) against the real Agregator app, fact by fact. Each
// case names the file and function of igorryltsin-design/agregator (HEAD 2a0789e) it follows.
import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogue } from '../../../src/demo/catalogue.js';
import { fileSha256 } from '../../../src/demo/workspace.js';
import { runCli } from '../../helpers/cli.js';
import { freshDatabase, query } from '../../helpers/pg.js';
import { appDir, client, script } from '../../helpers/standin.js';

type Row = Record<string, unknown>;
const started: string[] = [];
afterAll(async () => {
  for (const dir of started) await script('stop', dir);
});

/** Restarts the stand-in of `dir` with exactly `env` as its process environment (plus PATH). */
async function start(dir: string, env: Record<string, string> = {}): Promise<void> {
  if (!started.includes(dir)) started.push(dir);
  const result = await script('restart', dir, { env: { PATH: process.env.PATH, ...env } });
  if (result.exitCode !== 0) throw new Error(`the stand-in did not start: ${result.stdout}${result.stderr}`);
}

function rows(path: string, sql: string): Row[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all() as Row[];
  } finally {
    db.close();
  }
}

/** The file count the app's admin overview reports: which database it serves from. */
async function servedFiles(port: number, password = 'admin-demo-pass'): Promise<unknown> {
  const http = client(port);
  await http.login('admin', password);
  const overview = await http.get('/api/admin/status/overview');
  return (overview.body as { database: { counts: { files: number } } }).database.counts.files;
}

describe('the stand-in on SQLite follows the app', () => {
  let dir: string;
  let port: number;
  const catalogue = () => join(dir, 'catalogue.db');
  beforeAll(async () => {
    ({ dir, port } = await appDir((p) => `FLASK_SECRET_KEY=contract-key\nPORT=${p}\n`));
    createCatalogue(catalogue(), { files: 40 });
    await start(dir);
  });

  it('app.py _PUBLIC_PATHS, _PUBLIC_PREFIXES, _is_public_path: only these pass without a session', async () => {
    const http = client(port);
    expect(await http.get('/api/login-backgrounds')).toMatchObject({ status: 200, body: [] });
    expect(await http.post('/api/auth/login', {})).toMatchObject({ status: 400, body: { ok: false, error: 'Введите логин и пароль' } });
    // Public, so not redirected or refused: the stand-in has no such files, so 404.
    for (const path of ['/favicon.ico', '/static/app.css', '/assets/index.js', '/login-backgrounds/stars.html'])
      expect((await http.get(path)).status, path).toBe(404);
    const root = await http.get('/');
    expect([root.status, root.headers.get('location')]).toEqual([302, '/app']);
    // GET /app... is the UI; without frontend/dist, _serve_spa answers 404.
    expect((await http.get('/app/login')).status).toBe(404);
  });

  it('app.py _access_gate: other paths redirect to /app/login, or answer 401 for /api/ paths and XMLHttpRequests', async () => {
    const http = client(port);
    const health = await http.get('/health');
    expect([health.status, health.headers.get('location')]).toEqual([302, '/app/login']);
    for (const path of ['/api/files', '/api/auth/me', '/api/admin/status/overview', '/api/search?q=x']) {
      expect(await http.get(path), path).toMatchObject({ status: 401, body: { ok: false, error: 'Не авторизовано' } });
    }
    expect(await http.post('/api/files', { filename: 'x' })).toMatchObject({ status: 401 });
    expect((await http.get('/health', { 'X-Requested-With': 'XMLHttpRequest' })).status).toBe(401);
  });

  it('app.py health_check: /health, signed in, is {status, checks: {database: {status}}} and names no dialect', async () => {
    const http = client(port);
    await http.login('admin', 'admin-demo-pass');
    const health = await http.get('/health');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', checks: { database: { status: 'ok' } } } });
    expect(JSON.stringify(health.body)).not.toMatch(/dialect|sqlite/);
  });

  it('app.py api_auth_login, api_auth_me: the username matches without case; {ok, user} answers', async () => {
    const http = client(port);
    expect(await http.login('admin', 'wrong')).toMatchObject({ status: 401, body: { ok: false, error: 'Неверный логин или пароль' } });
    expect(await http.login('ADMIN', 'admin-demo-pass')).toMatchObject({
      status: 200,
      body: { ok: true, user: { username: 'admin', role: 'admin' } },
    });
    expect(await http.get('/api/auth/me')).toMatchObject({ status: 200, body: { ok: true, user: { id: 1, username: 'admin' } } });
  });

  it('app.py api_admin_status_overview, require_admin: the dialect is at $.database.dialect, for admins only', async () => {
    const http = client(port);
    await http.login('admin', 'admin-demo-pass');
    expect(await http.get('/api/admin/status/overview')).toMatchObject({
      status: 200,
      body: { ok: true, database: { status: 'ok', dialect: 'sqlite', counts: { files: 40 } } },
    });
    const user = client(port);
    expect((await user.login('petrov', 'petrov-demo-pass')).status).toBe(200);
    expect((await user.get('/api/admin/status/overview')).status).toBe(403);
  });

  it('routes.py api_files: GET /api/files is a bare JSON list of files of searchable collections, newest first', async () => {
    const http = client(port);
    await http.login('admin', 'admin-demo-pass');
    const files = (await http.get('/api/files')).body as Row[];
    expect(Array.isArray(files)).toBe(true);
    const expected = rows(
      catalogue(),
      'SELECT f.id FROM files f JOIN collections c ON f.collection_id = c.id WHERE c.searchable = 1 ORDER BY f.mtime DESC NULLS LAST, f.id LIMIT 200',
    );
    expect(files.map((f) => f['id'])).toEqual(expected.map((r) => r['id']));
    expect(files[0]).toHaveProperty('tags');
  });

  it('app.py setup_app -> _initialize_database_structures -> search.py ensure_support: every start creates and rebuilds files_fts and tags_fts', async () => {
    const [files] = rows(
      catalogue(),
      "SELECT (SELECT count(*) FROM files) AS files, (SELECT count(*) FROM files_fts) AS fts, (SELECT sql FROM sqlite_master WHERE name = 'tags_fts') AS tags",
    );
    expect(files?.['fts']).toBe(files?.['files']);
    expect(files?.['tags']).toMatch(/^CREATE VIRTUAL TABLE tags_fts USING fts5/);
    // A restart with nothing else going on changes catalogue.db: it cannot stay byte for byte as a backup.
    const before = fileSha256(catalogue());
    await start(dir);
    expect(fileSha256(catalogue())).not.toBe(before);
  });

  it('app.py _ensure_background_jobs_started -> _enqueue_feedback_training: the first request through the gate writes a task row', async () => {
    const generated = Number(rows(catalogue(), "SELECT max(id) AS id FROM task_records WHERE name <> 'feedback_train'")[0]?.['id']);
    const tasks = rows(catalogue(), `SELECT name, status FROM task_records WHERE id > ${generated}`);
    expect(tasks).toEqual(expect.arrayContaining([{ name: 'feedback_train', status: 'completed' }]));
  });

  it('routes.py api_file_create, api_file_delete -> app.py _sync_file_to_fts, _delete_file_from_fts -> search.py sync_file, delete_file', async () => {
    const http = client(port);
    await http.login('admin', 'admin-demo-pass');
    const saved = await http.post('/api/files', { title: 'Проба записи', filename: 'probe-1', tags: [{ key: 'тема', value: 'проба' }] });
    expect(saved).toMatchObject({ status: 201, body: { filename: 'probe-1', tags: [{ key: 'тема', value: 'проба' }] } });
    const id = (saved.body as { id: number }).id;
    expect(rows(catalogue(), `SELECT title FROM files_fts WHERE rowid = ${id}`)).toEqual([{ title: 'Проба записи' }]);
    expect(rows(catalogue(), `SELECT value FROM tags_fts WHERE file_id = ${id}`)).toEqual([{ value: 'проба' }]);
    expect((await http.delete(`/api/files/${id}`)).status).toBe(204);
    expect((await http.get(`/api/files/${id}`)).status).toBe(404);
    expect(rows(catalogue(), `SELECT count(*) AS n FROM files_fts WHERE rowid = ${id}`)).toEqual([{ n: 0 }]);
  });

  it('agregator/config.py AppConfig.load: FLASK_SECRET_KEY signs the session; a restart keeps it, another key ends it', async () => {
    const http = client(port);
    await http.login('admin', 'admin-demo-pass');
    await start(dir);
    expect((await http.get('/api/auth/me')).status).toBe(200);
    writeFileSync(join(dir, '.env'), readFileSync(join(dir, '.env'), 'utf8').replace('contract-key', 'another-key'));
    await start(dir);
    expect((await http.get('/api/auth/me')).status).toBe(401);
  });
});

describe('agregator/config.py AppConfig.load, to_flask_config, _load_dotenv: where the app finds its database', () => {
  it('SQLALCHEMY_DATABASE_URI, then DATABASE_URL, then <app dir>/catalogue.db; the process environment beats .env (load_dotenv without override)', async () => {
    const { dir, port } = await appDir((p) => `PORT=${p}\n`);
    createCatalogue(join(dir, 'catalogue.db'), { files: 10 });
    createCatalogue(join(dir, 'a.db'), { files: 20 });
    createCatalogue(join(dir, 'b.db'), { files: 30 });
    const env = (lines: string) => writeFileSync(join(dir, '.env'), `PORT=${port}\n${lines}`);
    await start(dir);
    expect(await servedFiles(port)).toBe(10);
    env(`DATABASE_URL=sqlite:///${dir}/a.db\n`);
    await start(dir);
    expect(await servedFiles(port)).toBe(20);
    env(`DATABASE_URL=sqlite:///${dir}/a.db\nSQLALCHEMY_DATABASE_URI=sqlite:///${dir}/b.db\n`);
    await start(dir);
    expect(await servedFiles(port)).toBe(30);
    // .env says a.db, the environment b.db: the environment wins.
    env(`DATABASE_URL=sqlite:///${dir}/a.db\n`);
    await start(dir, { DATABASE_URL: `sqlite:///${dir}/b.db` });
    expect(await servedFiles(port)).toBe(30);
  });

  it('app.py ensure_default_admin: with no users, DEFAULT_ADMIN_USER with DEFAULT_ADMIN_PASSWORD is created as admin', async () => {
    const { dir, port } = await appDir((p) => `PORT=${p}\nDEFAULT_ADMIN_USER=chief\nDEFAULT_ADMIN_PASSWORD=chief-pass-1\n`);
    const path = join(dir, 'catalogue.db');
    createCatalogue(path, { files: 5 });
    // The app's User model (models.py) has no is_active column.
    const db = new Database(path);
    db.exec('PRAGMA foreign_keys = OFF; DELETE FROM users; ALTER TABLE users DROP COLUMN is_active;');
    db.close();
    await start(dir);
    const http = client(port);
    expect(await http.login('chief', 'chief-pass-1')).toMatchObject({ status: 200, body: { user: { username: 'chief', role: 'admin' } } });
  });
});

/** A fresh PostgreSQL database holding a generated catalogue, moved there by runbook's own transfer. */
async function catalogueOnPostgres(label: string, virtualTables: 'skip' | 'empty'): Promise<{ url: string; dir: string; port: number }> {
  const url = await freshDatabase(label);
  const { dir, port } = await appDir((p) => `PORT=${p}\nDATABASE_URL=${url}\n`);
  const seed = join(dir, 'seed.db');
  createCatalogue(seed, { files: 20 });
  // The full-text tables the app creates on SQLite (search.py ensure_support).
  const db = new Database(seed);
  db.exec('CREATE VIRTUAL TABLE files_fts USING fts5(file_id UNINDEXED, title, author, keywords, abstract, text_excerpt)');
  db.exec('CREATE VIRTUAL TABLE tags_fts USING fts5(tag_id UNINDEXED, file_id UNINDEXED, key, value)');
  db.close();
  const plan = join(dir, 'load.yaml');
  writeFileSync(
    plan,
    `version: 1\nname: load\nvars: { url: { env: TARGET_URL, secret: true } }\nconnections: { source: { sqlite: seed.db }, target: { postgres: "{{vars.url}}" } }\n` +
      `steps:\n  - { id: copy, kind: sqlite-to-pg, source: source, target: target, mode: create, virtual_tables: ${virtualTables} }\n`,
  );
  const loaded = await runCli(['exec', plan, '--yes'], { cwd: dir, env: { TARGET_URL: url } });
  if (loaded.code !== 0) throw new Error(`loading the catalogue failed:\n${loaded.stdout}${loaded.stderr}`);
  await start(dir);
  return { url, dir, port };
}

describe('routes.py api_file_create -> search.py sync_file on PostgreSQL: the full-text statements run there too', () => {
  it('without files_fts/tags_fts the save fails with 500 and nothing is saved; deleting still works (delete_file only logs)', async () => {
    const { url, port } = await catalogueOnPostgres('contract_fts_skip', 'skip');
    const http = client(port);
    await http.login('admin', 'admin-demo-pass');
    expect(await http.get('/api/admin/status/overview')).toMatchObject({ body: { database: { dialect: 'postgresql' } } });
    const saved = await http.post('/api/files', { title: 'Проба', filename: 'probe-pg' });
    expect(saved).toMatchObject({ status: 500, body: { detail: 'relation "files_fts" does not exist' } });
    expect(await query(url, "SELECT id FROM files WHERE filename = 'probe-pg'")).toEqual([]);
    const [victim] = await query<{ id: number }>(url, 'SELECT max(id) AS id FROM files');
    expect((await http.delete(`/api/files/${victim?.id}`)).status).toBe(204);
  });

  it('with files_fts and tags_fts as empty plain tables (virtual_tables: empty) the save works and fills them', async () => {
    const { url, port } = await catalogueOnPostgres('contract_fts_empty', 'empty');
    const http = client(port);
    await http.login('admin', 'admin-demo-pass');
    const saved = await http.post('/api/files', { title: 'Проба', filename: 'probe-pg', tags: [{ key: 'тема', value: 'проба' }] });
    expect(saved.status).toBe(201);
    const id = (saved.body as { id: number }).id;
    expect(await query(url, 'SELECT rowid::int AS rowid, title FROM files_fts')).toEqual([{ rowid: id, title: 'Проба' }]);
    expect(await query(url, 'SELECT file_id::int AS file_id, value FROM tags_fts')).toEqual([{ file_id: id, value: 'проба' }]);
    expect((await http.delete(`/api/files/${id}`)).status).toBe(204);
    expect(await query(url, 'SELECT count(*)::int AS n FROM files_fts')).toEqual([{ n: 0 }]);
  });
});
