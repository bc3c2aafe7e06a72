import { createHash } from 'node:crypto';
import { demoClock } from './catalogue-clock.js';
import { words } from './catalogue-words.js';
import { werkzeugPasswordHash } from './password.js';
import { pythonJson } from './python-json.js';
import type { Random } from './random.js';

/** One row to insert: column name → value as SQLAlchemy would bind it on SQLite. */
export type Row = Readonly<Record<string, string | number | Buffer | null>>;

/** Inserts a row into a table and returns its rowid. */
export type InsertRow = (table: string, row: Row) => number;

const hex = (algorithm: 'sha1' | 'sha256', data: string | Buffer): string => createHash(algorithm).update(data).digest('hex');
const bool = (value: boolean): number => (value ? 1 : 0);

/** Fills every table of an empty catalogue with seeded, realistic rows. */
export function fillCatalogue(insert: InsertRow, random: Random, options: { files: number; adminPassword: string }): void {
  const clock = demoClock(random);
  const now = (): string => clock.format(clock.at());
  const scale = (per600: number): number => Math.max(1, Math.round((per600 * options.files) / 600));

  // Users: `admin` with the given password, everyone else `<username>-demo-pass`.
  const people = [{ username: 'admin', fullName: 'Администратор каталога', role: 'admin' }, ...words.people];
  const userIds = people.map((person) => {
    const password = person.username === 'admin' ? options.adminPassword : `${person.username}-demo-pass`;
    const salt = random.int(0, 0xffffffff).toString(36).padStart(8, 'x');
    const created = now();
    return insert('users', {
      username: person.username,
      password_hash: werkzeugPasswordHash(password, salt),
      role: person.role,
      full_name: person.fullName,
      is_active: bool(person.username !== 'orlov'),
      created_at: created,
      updated_at: created,
    });
  });
  const someUser = (): number => random.pick(userIds);

  const collectionIds = words.collections.map((c, i) =>
    insert('collections', {
      name: c.name,
      slug: c.slug,
      searchable: bool(c.slug !== 'drafts'),
      graphable: bool(random.chance(0.7)),
      owner_id: i === 0 ? null : someUser(), // the oldest collection lost its owner (ON DELETE SET NULL)
      is_private: bool(c.slug === 'personal' || c.slug === 'drafts'),
      created_at: now(),
    }),
  );
  for (const collectionId of collectionIds) {
    for (const userId of random.sample(userIds, random.int(2, 4))) {
      insert('collection_members', {
        collection_id: collectionId,
        user_id: userId,
        role: random.pick(['viewer', 'editor']),
        created_at: now(),
      });
    }
  }

  const files = fillFiles(insert, random, now, options.files, collectionIds);
  const fileIds = files.map((f) => f.id);

  for (const kind of new Set(words.kinds.map((k) => k.material))) {
    for (const key of words.tagKeys.slice(0, 5)) {
      insert('tag_schemas', { material_type: kind, key, description: `Поле «${key}» для материалов типа ${kind}` });
    }
  }

  for (let i = 0; i < scale(300); i++) {
    const file = random.pick(files);
    const deleted = random.chance(0.05);
    insert('changelog', {
      file_id: deleted ? null : file.id, // a deleted file leaves its history with file_id NULL
      action: deleted ? 'delete' : random.pick(['create', 'update', 'update', 'rename']),
      field: random.pick(['title', 'keywords', 'author', null]),
      old_value: random.pick(words.topics),
      new_value: file.title,
      user: random.pick(people).username,
      info: random.chance(0.3) ? 'правка из веб-интерфейса' : null,
      created_at: now(),
    });
  }
  for (let i = 0; i < scale(200); i++) {
    insert('user_action_log', {
      user_id: someUser(),
      action: random.pick(['login', 'search', 'ai_search', 'download', 'edit_file']),
      entity: 'file',
      entity_id: random.pick(fileIds),
      detail: `запрос: ${random.pick(words.keywords)}`,
      created_at: now(),
    });
  }
  for (const userId of userIds) {
    insert('user_preferences', {
      user_id: userId,
      key: 'theme',
      value: random.pick(['dark', 'light']),
      created_at: now(),
      updated_at: now(),
    });
    insert('user_preferences', {
      user_id: userId,
      key: 'page_size',
      value: String(random.pick([20, 50, 100])),
      created_at: now(),
      updated_at: now(),
    });
  }
  for (const userId of userIds.slice(1, 4)) {
    insert('aiword_access', { user_id: userId, granted_by: userIds[0] ?? null, created_at: now() });
  }

  fillTasks(insert, random, clock, scale(40), userIds, collectionIds);
  fillLlmEndpoints(insert, random, now);
  fillRag(insert, random, now, files, scale(150));
  fillAiSearch(insert, random, now, fileIds, userIds, scale(60));
}

interface DemoFile {
  readonly id: number;
  readonly title: string;
  readonly text: string;
  readonly sha1: string;
  readonly mtime: number;
}

function fillFiles(insert: InsertRow, random: Random, now: () => string, count: number, collectionIds: readonly number[]): DemoFile[] {
  const files: DemoFile[] = [];
  for (let i = 0; i < count; i++) {
    const id = i + 1 + Math.floor(i / 25); // gaps, as deleted rows leave them: max(id) > count(*)
    const kind = random.pick(words.kinds);
    const topic = random.pick(words.topics);
    const year = random.int(1975, 2024);
    const title = `${kind.title}: ${topic}${random.chance(0.3) ? ` (${year})` : ''}`;
    const ext = kind.material === 'presentation' ? 'pptx' : random.pick(['pdf', 'pdf', 'pdf', 'docx', 'djvu', 'txt']);
    const collectionId = random.chance(0.05) ? null : random.pick(collectionIds);
    const folder = collectionId === null ? 'unsorted' : (words.collections[collectionIds.indexOf(collectionId)]?.slug ?? 'unsorted');
    const filename = `${kind.title.replace(/ /g, '_')}_${year}_${id}.${ext}`;
    const relPath = `${folder}/${year}/${filename}`;
    const path = `/srv/agregator/library/${relPath}`;
    // Scanned archives above 2 GiB: a 32-bit integer column would overflow.
    const size = i % 50 === 7 ? random.int(2 ** 31 + 1, 2 ** 32 + 2 ** 30) : random.int(20_000, 80_000_000);
    const mtime = 1_500_000_000 + random.next() * 230_000_000;
    const text = [title + '.', ...random.sample(words.sentences, random.int(3, 5))].join(' ');
    const created = now();
    const sha1 = hex('sha1', path);
    insert('files', {
      id,
      collection_id: collectionId,
      path,
      rel_path: relPath,
      filename,
      ext,
      size,
      mtime,
      sha1,
      material_type: kind.material,
      title,
      author: random.pick(words.authors),
      year: String(year),
      advisor: kind.material === 'dissertation' ? random.pick(words.authors) : null,
      keywords: random.sample(words.keywords, random.int(2, 5)).join(', '),
      abstract: random.sample(words.sentences, 2).join(' '),
      text_excerpt: text,
      created_at: created,
      updated_at: random.chance(0.4) ? now() : created,
    });
    for (const key of random.sample(words.tagKeys, random.int(3, 7))) {
      insert('tags', { file_id: id, key, value: tagValue(random, key, topic) });
    }
    files.push({ id, title, text, sha1, mtime });
  }
  return files;
}

function tagValue(random: Random, key: string, topic: string): string {
  switch (key) {
    case 'organization':
      return random.pick(words.organizations);
    case 'region':
      return random.pick(words.regions);
    case 'lang':
      return random.chance(0.9) ? 'ru' : 'en';
    case 'udc':
      return `55${random.int(0, 9)}.${random.int(1, 99)}`;
    case 'supervisor':
      return random.pick(words.authors);
    case 'grnti':
      return `38.${random.int(10, 99)}.${random.int(10, 99)}`;
    case 'pages':
      return String(random.int(8, 420));
    default:
      return topic;
  }
}

function fillTasks(
  insert: InsertRow,
  random: Random,
  clock: ReturnType<typeof demoClock>,
  count: number,
  userIds: readonly number[],
  collectionIds: readonly number[],
): void {
  for (let i = 0; i < count; i++) {
    const status = random.pick([
      'completed',
      'completed',
      'completed',
      'completed',
      'completed',
      'completed',
      'failed',
      'running',
      'pending',
    ]);
    const created = clock.at();
    const started = status === 'pending' ? null : created + random.int(100, 60_000);
    const finished = started !== null && (status === 'completed' || status === 'failed') ? started + random.int(1_000, 3_600_000) : null;
    const collectionId = random.pick(collectionIds);
    insert('task_records', {
      name: random.pick(['scan_collection', 'rebuild_rag_index', 'import_files', 'ai_search', 'export_catalogue']),
      status,
      user_id: random.chance(0.8) ? random.pick(userIds) : null,
      collection_id: collectionId,
      payload: pythonJson({ collection_id: collectionId, recursive: random.chance(0.5), note: 'плановая задача' }),
      progress: status === 'completed' ? 1.0 : status === 'pending' ? 0.0 : Math.round(random.next() * 1000) / 1000,
      created_at: clock.format(created),
      started_at: started === null ? null : clock.format(started),
      finished_at: finished === null ? null : clock.format(finished),
      error: status === 'failed' ? random.pick(words.failures) : null,
    });
  }
}

function fillLlmEndpoints(insert: InsertRow, random: Random, now: () => string): void {
  const endpoints = [
    { name: 'local-qwen', base_url: 'http://127.0.0.1:1234/v1', model: 'qwen2.5-7b-instruct', purpose: 'summary' },
    { name: 'gpu-server', base_url: 'http://10.0.0.12:8000/v1', model: 'llama-3.1-70b-instruct', purpose: null },
    { name: 'embeddings', base_url: 'http://127.0.0.1:1234/v1', model: 'multilingual-e5-small', purpose: 'embedding' },
  ];
  for (const e of endpoints) {
    insert('llm_endpoints', {
      ...e,
      api_key: null,
      weight: Math.round(random.next() * 100) / 10 + 0.5,
      provider: 'openai',
      context_length: random.pick([8192, 32768, null]),
      instances: random.int(1, 3),
      is_enabled: bool(e.name !== 'gpu-server'),
      created_at: now(),
    });
  }
}

function fillRag(insert: InsertRow, random: Random, now: () => string, files: readonly DemoFile[], count: number): void {
  const dim = 32;
  for (const file of random.sample(files, count)) {
    const ready = random.chance(0.9);
    const documentId = insert('rag_documents', {
      file_id: file.id,
      latest_version: 1,
      is_ready_for_rag: bool(ready),
      import_status: ready ? 'ready' : 'pending',
      lang_primary: 'ru',
      last_indexed_at: ready ? now() : null,
      created_at: now(),
      updated_at: now(),
    });
    const pieces = file.text.split('. ');
    const versionId = insert('rag_document_versions', {
      document_id: documentId,
      version: 1,
      sha256: hex('sha256', file.text),
      imported_at: now(),
      normalizer_version: 'v2',
      metadata_json: pythonJson({ title: file.title, pages: random.int(5, 300) }),
      clean_text: file.text,
      lang_primary: 'ru',
      chunk_count: pieces.length,
      error: null,
    });
    pieces.forEach((content, ord) => {
      const chunkId = insert('rag_document_chunks', {
        document_id: documentId,
        version_id: versionId,
        ord,
        section_path: ord === 0 ? 'Введение' : `Глава ${ord}`,
        token_count: Math.ceil(content.length / 4),
        char_count: content.length,
        content,
        content_hash: hex('sha256', content),
        lang_primary: 'ru',
        created_at: now(),
      });
      if (!ready) return;
      const vector = Buffer.from(Float32Array.from({ length: dim }, () => random.next() * 2 - 1).buffer);
      insert('rag_chunk_embeddings', {
        chunk_id: chunkId,
        model_name: 'multilingual-e5-small',
        model_version: '1.0',
        dim,
        vector,
        vector_checksum: hex('sha256', vector),
        created_at: now(),
      });
    });
    if (random.chance(0.4)) {
      insert('doc_chat_cache', {
        file_id: file.id,
        document_id: documentId,
        data: pythonJson({ summary: pieces[0] ?? '', questions: random.sample(words.questions, 2), lang: 'ru' }),
        chunk_count: pieces.length,
        image_count: random.int(0, 12),
        text_size: file.text.length,
        embedding_backend: 'openai',
        embedding_model: 'multilingual-e5-small',
        embedding_dim: dim,
        vision_enabled: bool(random.chance(0.2)),
        file_mtime: file.mtime,
        file_sha1: file.sha1,
        updated_at: now(),
      });
    }
  }
  for (let i = 0; i < Math.max(1, Math.round(count / 15)); i++) {
    const resolved = random.chance(0.5);
    insert('rag_ingest_failures', {
      file_id: random.pick(files).id,
      stage: random.pick(['extract', 'chunk', 'embed']),
      error: random.pick(words.failures),
      resolved: bool(resolved),
      resolved_at: resolved ? now() : null,
      created_at: now(),
      meta: pythonJson({ attempt: random.int(1, 3) }),
    });
  }
  for (let i = 0; i < Math.max(1, Math.round(count / 8)); i++) {
    const query = `${random.pick(words.questions)} (${random.pick(words.keywords)})`;
    insert('rag_sessions', {
      query,
      query_lang: 'ru',
      chunk_ids: pythonJson([random.int(1, 50), random.int(51, 100)]),
      system_prompt: 'Отвечай только по приведённым фрагментам документов.',
      user_prompt: query,
      answer: random.pick(words.sentences),
      validation: random.chance(0.5) ? pythonJson({ grounded: true }) : null,
      model_name: 'qwen2.5-7b-instruct',
      params: pythonJson({ temperature: 0.2, top_k: 8 }),
      created_at: now(),
    });
  }
}

function fillAiSearch(
  insert: InsertRow,
  random: Random,
  now: () => string,
  fileIds: readonly number[],
  userIds: readonly number[],
  count: number,
): void {
  const queries = words.keywords.map((k) => ({ text: k, hash: hex('sha256', k) }));
  for (let i = 0; i < count; i++) {
    const query = random.pick(queries);
    insert('ai_search_metrics', {
      query_hash: query.hash,
      user_id: random.pick(userIds),
      total_ms: random.int(300, 9000),
      keywords_ms: random.int(5, 80),
      candidate_ms: random.int(20, 400),
      deep_ms: random.chance(0.5) ? random.int(100, 4000) : null,
      llm_answer_ms: random.chance(0.7) ? random.int(500, 6000) : null,
      llm_snippet_ms: null,
      created_at: now(),
      meta: pythonJson({ query: query.text, results: random.int(0, 30) }),
    });
  }
  // (file_id, query_hash, llm_variant) is unique, so each pair is drawn once.
  for (const fileId of random.sample(fileIds, Math.round(count * 1.5))) {
    const query = random.pick(queries);
    for (const llmVariant of random.chance(0.3) ? [false, true] : [false]) {
      insert('ai_search_snippet_cache', {
        file_id: fileId,
        query_hash: query.hash,
        llm_variant: bool(llmVariant),
        snippet: `…${query.text}… ${random.pick(words.sentences)}`,
        meta: null,
        created_at: now(),
        updated_at: now(),
        expires_at: random.chance(0.5) ? now() : null,
      });
    }
  }
  for (let i = 0; i < Math.round(count * 1.3); i++) {
    const query = random.pick(queries);
    insert('ai_search_keyword_feedback', {
      user_id: random.pick(userIds),
      file_id: random.chance(0.9) ? random.pick(fileIds) : null,
      query_hash: query.hash,
      keyword: query.text,
      action: random.pick(['click', 'relevant', 'irrelevant', 'ignore']),
      score: random.chance(0.5) ? Math.round(random.next() * 100) / 100 : null,
      detail: null,
      created_at: now(),
    });
  }
  for (const fileId of random.sample(fileIds, Math.round(count * 0.8))) {
    insert('ai_search_feedback_model', {
      file_id: fileId,
      positive: random.int(0, 20),
      negative: random.int(0, 5),
      clicks: random.int(0, 60),
      weight: Math.round(random.next() * 1000) / 1000,
      last_positive_at: random.chance(0.6) ? now() : null,
      last_negative_at: random.chance(0.3) ? now() : null,
      last_click_at: now(),
      updated_at: now(),
    });
  }
}
