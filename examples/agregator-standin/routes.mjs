// The HTTP API of Agregator that the migration runbook uses, with the app's paths, shapes and
// writes (app.py, routes.py, models.py). Reads on the main tables, case-insensitive Cyrillic search,
// inserts that need the database to hand out ids, and a file saved through the search service.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { verifyPassword } from './auth.mjs';
import { deleteFile, syncFile } from './search-index.mjs';
import { utcNow } from './time.mjs';

const fileColumns =
  'f.id, f.collection_id, f.title, f.author, f.year, f.material_type, f.filename, f.keywords, f.rel_path, f.path, f.size, f.mtime, f.sha1';

/**
 * Routes: `METHOD /path` (a `<id>` part matches a whole number) → handler({ db, user, body, params, id, sessions, log, ... })
 * → { status, body, cookie? }. The gate in server.mjs has already refused requests without a session.
 */
export const routes = {
  'GET /': async () => ({ status: 302, location: '/app' }),
  'GET /app': spa,
  'GET /api/login-backgrounds': async () => ({ status: 200, body: [] }),
  'GET /health': health,
  'POST /api/auth/login': login,
  'POST /api/auth/logout': async ({ db, user, sessions }) => {
    await logAction(db, user, 'logout');
    return { status: 200, body: { ok: true }, cookie: sessions.clear() };
  },
  'GET /api/auth/me': async ({ user }) =>
    user ? { status: 200, body: { ok: true, user: userPayload(user) } } : { status: 401, body: { ok: false } },
  'GET /api/files': listFiles,
  'GET /api/files/<id>': fileDetail,
  'POST /api/files': createFile,
  'DELETE /api/files/<id>': removeFile,
  'GET /api/search': search,
  'POST /api/ai-search': aiSearch,
  'GET /api/admin/status/overview': adminOnly(overview),
  'GET /api/admin/tasks': adminOnly(tasks),
  'GET /api/admin/system-logs': adminOnly(systemLogs),
};

/** The handler of a method and path, with the number a `<id>` part matched. */
export function findRoute(method, path) {
  if (method === 'GET' && path.startsWith('/app/')) return { handler: spa };
  const exact = routes[`${method} ${path}`];
  if (exact) return { handler: exact };
  const match = /^(.*\/)(\d+)$/.exec(path);
  const handler = match && routes[`${method} ${match[1]}<id>`];
  return handler ? { handler, id: Number(match[2]) } : undefined;
}

/** _serve_spa without a built UI (frontend/dist): the stand-in has none. */
async function spa() {
  return { status: 404, html: '<h1>React-интерфейс не собран</h1>' };
}

/** health_check: {status, checks}; no dialect in it. */
async function health({ db }) {
  let database;
  try {
    await db.query('SELECT 1');
    database = { status: 'ok' };
  } catch (error) {
    database = { status: 'error', detail: error.message };
  }
  const ok = { status: 'ok' };
  return {
    status: 200,
    body: { status: database.status === 'ok' ? 'ok' : 'degraded', checks: { database, task_queue: ok, llm_queue: ok, cache_cleanup: ok } },
  };
}

/** The signed-in user of a session (_load_current_user), or undefined. */
export async function sessionUser(db, userId) {
  if (userId === undefined) return undefined;
  const [user] = await db.query('SELECT id, username, role, full_name, created_at, updated_at FROM users WHERE id = ?', [userId]);
  return user;
}

/** _user_to_payload, the parts the runbook reads. */
function userPayload(user) {
  const role = user.role === 'user' ? 'editor' : user.role;
  return {
    id: user.id,
    username: user.username,
    role,
    full_name: user.full_name,
    permissions: { can_admin: role === 'admin', can_edit: role === 'admin' || role === 'editor', can_view: true },
  };
}

/** api_auth_login: the username matched without case, the login logged. */
async function login({ db, body, sessions }) {
  const username = typeof body?.username === 'string' ? body.username.trim() : '';
  const password = typeof body?.password === 'string' ? body.password : '';
  if (!username || !password) return { status: 400, body: { ok: false, error: 'Введите логин и пароль' } };
  const [row] = await db.query('SELECT id, password_hash FROM users WHERE lower(username) = ?', [username.toLowerCase()]);
  if (!row || !verifyPassword(row.password_hash, password))
    return { status: 401, body: { ok: false, error: 'Неверный логин или пароль' }, cookie: sessions.clear() };
  const user = await sessionUser(db, row.id);
  await logAction(db, user, 'login');
  return { status: 200, body: { ok: true, user: userPayload(user) }, cookie: sessions.issue(row.id) };
}

/** _log_user_action: a failure is swallowed, as the app does. */
async function logAction(db, user, action, entity = null, entityId = null, detail = null) {
  await db
    .query('INSERT INTO user_action_log (user_id, action, entity, entity_id, detail, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
      user?.id ?? null,
      action,
      entity,
      entityId,
      detail,
      utcNow(),
    ])
    .catch(() => {});
}

/** Collections a non-admin may see (_compute_allowed_collection_ids); undefined means all (admin). */
async function allowedCollections(db, user) {
  if (user.role === 'admin') return undefined;
  const rows = await db.query(
    'SELECT id FROM collections WHERE owner_id = ? OR is_private = FALSE OR id IN (SELECT collection_id FROM collection_members WHERE user_id = ?)',
    [user.id, user.id],
  );
  return rows.map((r) => r.id);
}

/** routes.py api_file_detail: one file, or 404. */
async function fileDetail({ db, user, id }) {
  const [file] = await db.query(`SELECT ${fileColumns} FROM files f WHERE f.id = ?`, [id]);
  if (!file) return { status: 404, body: { error: 'Not Found' } };
  const allowed = await allowedCollections(db, user);
  if (allowed !== undefined && !allowed.includes(file.collection_id)) return { status: 403, body: { error: 'Forbidden' } };
  return { status: 200, body: (await withTags(db, [file]))[0] };
}

/** routes.py api_files: a bare JSON list of up to 200 files of searchable collections, newest first. */
async function listFiles({ db, user }) {
  const allowed = await allowedCollections(db, user);
  const scope = allowed === undefined ? '' : ` AND f.collection_id IN (${allowed.map(() => '?').join(', ') || 'NULL'})`;
  const files = await db.query(
    `SELECT ${fileColumns} FROM files f JOIN collections c ON f.collection_id = c.id WHERE c.searchable = TRUE${scope} ORDER BY f.mtime DESC NULLS LAST, f.id LIMIT 200`,
    allowed ?? [],
  );
  return { status: 200, body: await withTags(db, files) };
}

/** models.py file_to_dict: each file with its tags. */
async function withTags(db, files) {
  if (files.length === 0) return [];
  const tags = await db.query(
    `SELECT file_id, key, value FROM tags WHERE file_id IN (${files.map(() => '?').join(', ')}) ORDER BY id`,
    files.map((f) => f.id),
  );
  return files.map((f) => ({ ...f, tags: tags.filter((t) => t.file_id === f.id).map((t) => ({ key: t.key, value: t.value })) }));
}

/**
 * routes.py api_file_create: the file and its tags, then SearchService.sync_file, then one commit.
 * On PostgreSQL without files_fts/tags_fts the full-text statement aborts the transaction and the
 * request fails with 500; nothing is saved.
 */
async function createFile({ db, user, body, uploadFolder }) {
  const data = body ?? {};
  let collectionId = data.collection_id ?? null;
  if (!collectionId) {
    const [personal] = await db.query('SELECT id FROM collections WHERE owner_id = ? AND is_private = TRUE ORDER BY id LIMIT 1', [user.id]);
    const [base] = personal ? [personal] : await db.query("SELECT id FROM collections WHERE slug = 'base'");
    collectionId = base?.id ?? null;
  }
  if (user.role !== 'admin' && !(await canWrite(db, user, collectionId))) return { status: 403, body: { ok: false, error: 'Forbidden' } };
  const filename = data.filename ?? null;
  const saved = await db.transaction(async (tx) => {
    const [file] = await tx.query(
      'INSERT INTO files (title, author, year, material_type, filename, keywords, collection_id, rel_path, path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
      [
        data.title ?? null,
        data.author ?? null,
        data.year ?? null,
        data.material_type ?? null,
        filename,
        data.keywords ?? null,
        collectionId,
        filename,
        join(uploadFolder, filename ?? ''),
      ],
    );
    const tags = [];
    for (const tag of Array.isArray(data.tags) ? data.tags : []) {
      const [row] = await tx.query('INSERT INTO tags (file_id, key, value) VALUES (?, ?, ?) RETURNING id', [file.id, tag.key, tag.value]);
      tags.push({ id: row.id, key: tag.key, value: tag.value });
    }
    await syncFile(tx, { id: file.id, ...data }, tags);
    return file.id;
  });
  await logAction(db, user, 'file_create', 'file', saved, JSON.stringify(data));
  const [file] = await db.query(`SELECT ${fileColumns} FROM files f WHERE f.id = ?`, [saved]);
  return { status: 201, body: (await withTags(db, [file]))[0] };
}

async function canWrite(db, user, collectionId) {
  if (collectionId === null) return false;
  const [owned] = await db.query('SELECT id FROM collections WHERE id = ? AND owner_id = ?', [collectionId, user.id]);
  const [member] = await db.query(
    "SELECT id FROM collection_members WHERE collection_id = ? AND user_id = ? AND role IN ('owner', 'editor')",
    [collectionId, user.id],
  );
  return owned !== undefined || member !== undefined;
}

/** routes.py api_file_delete: the row and its dependants in one commit, then SearchService.delete_file (whose failure is only logged). */
async function removeFile({ db, user, id, log }) {
  const [file] = await db.query('SELECT id, collection_id FROM files WHERE id = ?', [id]);
  if (!file) return { status: 404, body: { error: 'Not Found' } };
  if (user.role !== 'admin' && !(await canWrite(db, user, file.collection_id)))
    return { status: 403, body: { ok: false, error: 'Forbidden' } };
  await db.transaction(async (tx) => {
    for (const table of ['tags', 'changelog', 'ai_search_snippet_cache']) await tx.query(`DELETE FROM ${table} WHERE file_id = ?`, [id]);
    await tx.query('UPDATE ai_search_keyword_feedback SET file_id = NULL WHERE file_id = ?', [id]);
    await tx.query('DELETE FROM files WHERE id = ?', [id]);
  });
  await deleteFile(db, id).catch((error) => log(`delete from files_fts failed for ${id}: ${error.message}`));
  await logAction(db, user, 'file_delete', 'file', id, `rm=0; user=${user.id}`);
  return { status: 204 };
}

async function search({ db, params }) {
  const q = (params.get('q') ?? '').trim();
  if (!q) return { status: 400, body: { error: 'q is required' } };
  const { where, values } = matchAny(db, q);
  const [{ n }] = await db.query(`SELECT count(*) AS n FROM files WHERE ${where}`, values);
  const items = await db.query(
    `SELECT id, title, author, year, material_type, filename, keywords FROM files WHERE ${where} ORDER BY id LIMIT 50`,
    values,
  );
  return { status: 200, body: { query: q, total: Number(n), items } };
}

/** A deterministic stand-in for AI search: keyword matching, recorded as a task, a metric and cached snippets. */
async function aiSearch({ db, user, body }) {
  const query = typeof body?.query === 'string' ? body.query.trim() : '';
  if (!query) return { status: 400, body: { error: 'query is required' } };
  const started = Date.now();
  const terms = [...new Set(query.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? [query.toLowerCase()])].slice(0, 5);
  const queryHash = createHash('sha256').update(query).digest('hex');
  const result = await db.transaction(async (tx) => {
    const [task] = await tx.query(
      'INSERT INTO task_records (name, status, user_id, payload, progress, created_at, started_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
      ['ai_search', 'running', user.id, JSON.stringify({ query }), 0.0, utcNow(), utcNow()],
    );
    const scores = new Map();
    for (const term of terms) {
      const { where, values } = matchAny(tx, term);
      for (const file of await tx.query(`SELECT id, title, text_excerpt FROM files WHERE ${where} ORDER BY id LIMIT 100`, values)) {
        const entry = scores.get(file.id) ?? { file, score: 0, term };
        entry.score += 1;
        scores.set(file.id, entry);
      }
    }
    const hits = [...scores.values()].sort((a, b) => b.score - a.score || a.file.id - b.file.id).slice(0, 10);
    const items = [];
    for (const { file, score, term } of hits) {
      const snippet = snippetAround(file.text_excerpt ?? file.title ?? '', term);
      await tx.query(
        `INSERT INTO ai_search_snippet_cache (file_id, query_hash, llm_variant, snippet, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (file_id, query_hash, llm_variant) DO UPDATE SET snippet = excluded.snippet, updated_at = excluded.updated_at`,
        [file.id, queryHash, false, snippet, utcNow(), utcNow()],
      );
      items.push({ file_id: file.id, title: file.title, score, snippet });
    }
    const elapsed = Date.now() - started;
    const [metric] = await tx.query(
      'INSERT INTO ai_search_metrics (query_hash, user_id, total_ms, keywords_ms, candidate_ms, created_at, meta) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
      [queryHash, user.id, elapsed, 0, elapsed, utcNow(), JSON.stringify({ query, results: items.length })],
    );
    await tx.query('UPDATE task_records SET status = ?, progress = ?, finished_at = ? WHERE id = ?', ['completed', 1.0, utcNow(), task.id]);
    return { task_id: Number(task.id), metric_id: Number(metric.id), items };
  });
  return { status: 200, body: { query, keywords: terms, answer: `Найдено документов: ${result.items.length}`, ...result } };
}

/** api_admin_status_overview: the dialect is at $.database.dialect. */
async function overview({ db, databaseUrl, databasePath }) {
  const counts = {};
  for (const table of ['files', 'collections', 'users', 'tags', 'rag_documents'])
    counts[table] = Number((await db.query(`SELECT count(*) AS n FROM ${table}`))[0].n);
  const taskCounts = {};
  for (const row of await db.query('SELECT status, count(*) AS n FROM task_records GROUP BY status ORDER BY status'))
    taskCounts[row.status] = Number(row.n);
  return {
    status: 200,
    body: {
      ok: true,
      status: 'ok',
      database: { status: 'ok', dialect: db.dialect, uri: databaseUrl, path: databasePath ?? null, counts },
      tasks: { counts: taskCounts },
    },
  };
}

async function tasks({ db, params }) {
  const limit = Math.min(integer(params.get('limit'), 50) ?? 50, 500);
  const rows = await db.query(
    'SELECT id, name, status, user_id, progress, payload, created_at, started_at, finished_at, error FROM task_records ORDER BY id DESC LIMIT ?',
    [limit],
  );
  // JSON arrives as text from SQLite and already parsed from PostgreSQL.
  const items = rows.map((row) => ({ ...row, payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload }));
  return { status: 200, body: { items } };
}

async function systemLogs({ db, params }) {
  const limit = Math.min(integer(params.get('limit'), 100) ?? 100, 500);
  const items = await db.query(
    `SELECT l.id, l.action, l.entity, l.entity_id, l.detail, l.created_at, u.username
     FROM user_action_log l LEFT JOIN users u ON u.id = l.user_id ORDER BY l.id DESC LIMIT ?`,
    [limit],
  );
  return { status: 200, body: { items } };
}

/** require_admin: abort(403) for anyone but an admin. */
function adminOnly(handler) {
  return (request) => (request.user.role === 'admin' ? handler(request) : { status: 403, body: { error: 'Forbidden' } });
}

/** `title`, `keywords` or `text_excerpt` contains the text, ignoring case (Cyrillic included). */
function matchAny(db, text) {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const columns = ['title', 'keywords', 'text_excerpt'];
  return { where: `(${columns.map((c) => db.contains(c)).join(' OR ')})`, values: columns.map(() => pattern) };
}

function snippetAround(text, term) {
  const at = Math.max(0, text.toLowerCase().indexOf(term));
  return `${at > 60 ? '…' : ''}${text.slice(Math.max(0, at - 60), at + 100)}`;
}

function integer(text, fallback) {
  if (text === null || text === '') return fallback;
  return /^\d+$/.test(text) ? Number(text) : undefined;
}
