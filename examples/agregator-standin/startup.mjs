// What Agregator writes to its database by itself: at start-up (app.py setup_app ->
// _initialize_database_structures, and __main__ -> ensure_default_admin) and on the first request
// that passes the access gate (_ensure_background_jobs_started).
import { hashPassword } from './auth.mjs';
import { ensureSearchSupport } from './search-index.mjs';
import { utcNow } from './time.mjs';

/** The start-up writes, in the app's order: full-text support, stuck tasks marked failed, a default admin when there are no users. */
export async function startupWrites(db, config, log) {
  await ensureSearchSupport(db);
  // _reset_inflight_tasks (TASK_STUCK_STATUSES)
  await db.query(
    "UPDATE task_records SET status = 'error', error = ?, finished_at = coalesce(finished_at, ?) WHERE status IN ('running', 'pending', 'queued', 'cancelling')",
    ['Прервано: перезапуск приложения', utcNow()],
  );
  // ensure_default_admin
  const [{ n }] = await db.query('SELECT count(*) AS n FROM users');
  if (Number(n) === 0) {
    const { username, password } = config.defaultAdmin;
    await db.query('INSERT INTO users (username, password_hash, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', [
      username,
      hashPassword(password),
      'admin',
      utcNow(),
      utcNow(),
    ]);
    log(`created the default administrator '${username}'`);
  }
}

/**
 * _start_feedback_training_scheduler -> _enqueue_feedback_training('initial'): a feedback_train
 * task row, queued, then run by the task queue. Called for every request that passed the gate; writes once.
 */
export function backgroundJobs(db, log) {
  let started = false;
  return async function startOnce() {
    if (started) return;
    started = true;
    try {
      const [active] = await db.query(
        "SELECT id FROM task_records WHERE name = 'feedback_train' AND status NOT IN ('completed', 'error', 'cancelled')",
      );
      if (active) return;
      const [task] = await db.query(
        'INSERT INTO task_records (name, status, progress, payload, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id',
        ['feedback_train', 'queued', 0.0, JSON.stringify({ trigger: 'initial', cutoff_days: 90 }), utcNow()],
      );
      await db.query('UPDATE task_records SET status = ?, progress = ?, started_at = ?, finished_at = ? WHERE id = ?', [
        'completed',
        1.0,
        utcNow(),
        utcNow(),
        task.id,
      ]);
    } catch (error) {
      log(`failed to queue feedback training: ${error.message}`);
    }
  };
}
