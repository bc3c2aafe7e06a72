// The full-text upkeep of Agregator's search service (agregator/services/search.py, SearchService),
// statement for statement: the app runs them on PostgreSQL too, where files_fts and tags_fts exist
// only if the migration created them.

/** SearchService.ensure_support at start-up: on SQLite the FTS5 tables and a full rebuild; on PostgreSQL lower() indexes. */
export async function ensureSearchSupport(db) {
  if (db.dialect === 'postgresql') {
    for (const [name, table, column] of [
      ['idx_files_title_lower', 'files', 'title'],
      ['idx_files_author_lower', 'files', 'author'],
      ['idx_files_keywords_lower', 'files', 'keywords'],
      ['idx_files_filename_lower', 'files', 'filename'],
      ['idx_tags_key_lower', 'tags', 'key'],
      ['idx_tags_value_lower', 'tags', 'value'],
    ]) {
      await db.query(`CREATE INDEX IF NOT EXISTS ${name} ON ${table} (lower(${column}))`).catch(() => {});
    }
    return;
  }
  await db.transaction(async (tx) => {
    await tx.query(
      "CREATE VIRTUAL TABLE IF NOT EXISTS files_fts USING fts5(file_id UNINDEXED, title, author, keywords, abstract, text_excerpt, tokenize='unicode61')",
    );
    await tx.query(
      "CREATE VIRTUAL TABLE IF NOT EXISTS tags_fts USING fts5(tag_id UNINDEXED, file_id UNINDEXED, key, value, tokenize='unicode61')",
    );
    // _rebuild_files_fts / _rebuild_tags_fts: every start rewrites both indexes.
    await tx.query('DELETE FROM files_fts');
    await tx.query(
      "INSERT INTO files_fts(rowid, file_id, title, author, keywords, abstract, text_excerpt) SELECT id, id, coalesce(title,''), coalesce(author,''), coalesce(keywords,''), coalesce(abstract,''), coalesce(text_excerpt,'') FROM files",
    );
    await tx.query('DELETE FROM tags_fts');
    await tx.query(
      "INSERT INTO tags_fts(rowid, tag_id, file_id, key, value) SELECT id, id, file_id, coalesce(key,''), coalesce(value,'') FROM tags",
    );
  });
}

/**
 * SearchService.sync_file, in the transaction that saves the file. Its errors are caught and
 * logged there, but on PostgreSQL a failed statement has already aborted that transaction, so
 * the caller's commit cannot save the file: here the error is passed on.
 */
export async function syncFile(tx, file, tags) {
  await tx.query('DELETE FROM files_fts WHERE rowid = ?', [file.id]);
  await tx.query('INSERT INTO files_fts(rowid, file_id, title, author, keywords, abstract, text_excerpt) VALUES (?, ?, ?, ?, ?, ?, ?)', [
    file.id,
    file.id,
    file.title ?? '',
    file.author ?? '',
    file.keywords ?? '',
    file.abstract ?? '',
    file.text_excerpt ?? '',
  ]);
  await tx.query('DELETE FROM tags_fts WHERE file_id = ?', [file.id]);
  for (const tag of tags) {
    await tx.query('INSERT INTO tags_fts(rowid, tag_id, file_id, key, value) VALUES (?, ?, ?, ?, ?)', [
      tag.id,
      tag.id,
      file.id,
      tag.key ?? '',
      tag.value ?? '',
    ]);
  }
}

/** SearchService.delete_file, after the file's row is committed away; its failure is only logged (routes.py api_file_delete). */
export async function deleteFile(db, fileId) {
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM files_fts WHERE rowid = ?', [fileId]);
    await tx.query('DELETE FROM tags_fts WHERE file_id = ?', [fileId]);
  });
}
