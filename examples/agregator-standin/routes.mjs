// The HTTP API the migration runbook checks, reduced to what proves the database works:
// reads on every main table, case-insensitive Cyrillic search, and inserts that need the
// database to hand out ids (a PostgreSQL sequence must continue after the largest id).
import { createHash } from 'node:crypto';
import { verifyPassword } from './auth.mjs';

const fileColumns = 'id, title, author, year, material_type, filename, ext, size, mtime, sha1, collection_id, rel_path, created_at';
const overviewTables = ['users', 'collections', 'files', 'tags', 'task_records', 'rag_documents', 'ai_search_metrics'];

/** Routes: `METHOD /path` → handler({ db, userId, body, params, sessions }) → { status, body, cookie? }; signed-in handlers also get `user`. */
export const routes = {
  'GET /health': health,
  'POST /api/auth/login': login,
  'POST /api/auth/logout': async ({ sessions }) => ({ status: 200, body: { ok: true }, cookie: sessions.clear() }),
  'GET /api/auth/me': signedIn(async ({ user }) => ({ status: 200, body: { user } })),
  'GET /api/files': signedIn(listFiles),
  'GET /api/search': signedIn(search),
  'POST /api/ai-search': signedIn(aiSearch),
  'GET /api/admin/status/overview': adminOnly(overview),
  'GET /api/admin/tasks': adminOnly(tasks),
  'GET /api/admin/system-logs': adminOnly(systemLogs),
};

/** The active user a session belongs to, or undefined. */
async function sessionUser(db, userId) {
  if (userId === undefined) return undefined;
  const [user] = await db.query('SELECT id, username, role, full_name FROM users WHERE id = ? AND is_active = ?', [userId, true]);
  return user;
}

async function health({ db }) {
  try {
    const [row] = await db.query('SELECT count(*) AS n FROM files');
    return { status: 200, body: { status: 'ok', pid: process.pid, database: { ok: true, dialect: db.dialect, files: Number(row.n) } } };
  } catch (error) {
    return { status: 503, body: { status: 'error', pid: process.pid, database: { ok: false, dialect: db.dialect, error: error.message } } };
  }
}

async function login({ db, body, sessions }) {
  if (typeof body?.username !== 'string' || typeof body?.password !== 'string') return fail(400, 'username and password are required');
  const [row] = await db.query('SELECT id, password_hash FROM users WHERE username = ? AND is_active = ?', [body.username, true]);
  if (!row || !verifyPassword(row.password_hash, body.password)) return fail(401, 'invalid username or password');
  const user = await sessionUser(db, row.id);
  return { status: 200, body: { ok: true, user }, cookie: sessions.issue(row.id) };
}

async function listFiles({ db, params }) {
  const limit = integer(params.get('limit'), 50);
  const offset = integer(params.get('offset'), 0);
  if (limit === undefined || offset === undefined || limit < 1 || limit > 500) return fail(400, 'limit must be 1..500 and offset a non-negative integer');
  const [{ n }] = await db.query('SELECT count(*) AS n FROM files');
  const items = await db.query(`SELECT ${fileColumns} FROM files ORDER BY id LIMIT ? OFFSET ?`, [limit, offset]);
  return { status: 200, body: { total: Number(n), limit, offset, items } };
}

async function search({ db, params }) {
  const q = (params.get('q') ?? '').trim();
  if (!q) return fail(400, 'q is required');
  const { where, values } = matchAny(db, q);
  const [{ n }] = await db.query(`SELECT count(*) AS n FROM files WHERE ${where}`, values);
  const items = await db.query(`SELECT ${fileColumns}, keywords FROM files WHERE ${where} ORDER BY id LIMIT 50`, values);
  return { status: 200, body: { query: q, total: Number(n), items } };
}

/** A deterministic stand-in for AI search: keyword matching, recorded as a task, a metric and cached snippets. */
async function aiSearch({ db, user, body }) {
  const query = typeof body?.query === 'string' ? body.query.trim() : '';
  if (!query) return fail(400, 'query is required');
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

async function overview({ db }) {
  const counts = {};
  for (const table of overviewTables) counts[table] = Number((await db.query(`SELECT count(*) AS n FROM ${table}`))[0].n);
  const tasksByStatus = {};
  for (const row of await db.query('SELECT status, count(*) AS n FROM task_records GROUP BY status ORDER BY status')) tasksByStatus[row.status] = Number(row.n);
  return { status: 200, body: { database: { dialect: db.dialect }, counts, tasks: tasksByStatus } };
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

function signedIn(handler) {
  return async (request) => {
    const user = await sessionUser(request.db, request.userId);
    return user ? handler({ ...request, user }) : fail(401, 'authentication required');
  };
}

function adminOnly(handler) {
  return signedIn((request) => (request.user.role === 'admin' ? handler(request) : fail(403, 'admin role required')));
}

function fail(status, error) {
  return { status, body: { error } };
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

/** Now in UTC as SQLAlchemy writes `datetime.utcnow()`: `YYYY-MM-DD HH:MM:SS.ffffff`. */
function utcNow() {
  const iso = new Date().toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}
