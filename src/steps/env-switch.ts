import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { defineStepKind, type DescribeLine, type StepContext, type StepResult } from './kind.js';
import type { JsonValue } from '../core/json.js';
import { syncDirectory, writeFileAtomic } from './env-switch/atomic-write.js';
import { changedKeys, dotenvValues, editDotenv, valueHashes } from './env-switch/dotenv-lines.js';
import { readFileState, sha256, type FileState } from './env-switch/file-state.js';
import { parseUndoToken, type EnvSwitchUndo } from './env-switch/undo-token.js';
import { properties, resolveEnvSwitchSpec, type EnvSwitchSpec } from './env-switch/schema.js';

/** A file the switch creates holds secrets, so only its owner may read it. */
const NEW_FILE_MODE = 0o600;

function fsFailure(what: string, file: string, e: unknown): StepResult {
  const err = e as NodeJS.ErrnoException;
  if (typeof err.code !== 'string') throw e;
  const hint =
    what === 'read'
      ? 'check that the path names a file the user running runbook can read'
      : 'check that the file and its directory are writable by the user running runbook';
  return { ok: false, message: `cannot ${what} ${file}: ${err.message}`, hint };
}

/** Keeps a private copy (0600) in the step directory, flushed to disk before the original is touched. */
async function keepCopy(path: string, bytes: Buffer): Promise<void> {
  await writeFileAtomic(path, bytes, { mode: 0o600 });
}

/** The failure when a key is named in two of set, update and unset, which would make the edit ambiguous. */
function overlappingKeys(spec: EnvSwitchSpec): StepResult | undefined {
  const lists: [string, readonly string[]][] = [
    ['set', Object.keys(spec.set ?? {})],
    ['update', Object.keys(spec.update ?? {})],
    ['unset', spec.unset ?? []],
  ];
  for (const [i, [nameA, keysA]] of lists.entries()) {
    for (const [nameB, keysB] of lists.slice(i + 1)) {
      const both = keysB.filter((k) => keysA.includes(k));
      if (both.length > 0) {
        return {
          ok: false,
          message: `key ${both.map((k) => `"${k}"`).join(', ')} is both in ${nameA} and in ${nameB} of ${spec.file}`,
          hint: 'keep each key in one of them',
        };
      }
    }
  }
  return undefined;
}

/** The `update` entries whose key the file already assigns; the others are left out, so they stay absent. */
function presentUpdates(bytes: Buffer, update: Readonly<Record<string, string>>): Record<string, string> {
  const present = dotenvValues(bytes);
  return Object.fromEntries(Object.entries(update).filter(([k]) => present.has(k)));
}

async function switchFile(given: EnvSwitchSpec, ctx: StepContext): Promise<StepResult> {
  const spec = resolveEnvSwitchSpec(given);
  const overlap = overlappingKeys(spec);
  if (overlap) return overlap;
  const unset = spec.unset ?? [];
  const target = resolve(ctx.workDir, spec.file);
  let current: FileState;
  try {
    current = await readFileState(target);
  } catch (e) {
    return fsFailure('read', target, e);
  }
  if (!current.exists && !spec.create) {
    return {
      ok: false,
      message: `env file not found: ${spec.file} (looked at ${target})`,
      hint: 'check the path, or set create: true to create the file',
    };
  }
  if (!current.exists && !existsSync(dirname(target))) {
    return {
      ok: false,
      message: `cannot create ${spec.file}: its directory ${dirname(target)} does not exist`,
      hint: 'create the directory first, or fix the path',
    };
  }
  const before = current.exists ? current.bytes : Buffer.alloc(0);
  const set = { ...spec.set, ...presentUpdates(before, spec.update ?? {}) };
  const after = editDotenv(before, set, unset);
  const backup = current.exists ? join(ctx.stepDir, 'original.env') : null;
  // What the switch wrote is kept as one hash per key, never as text: it holds the new secrets.
  const switched = join(ctx.stepDir, 'switched-keys.json');
  const mode = current.exists ? current.mode : NEW_FILE_MODE;
  try {
    if (backup) await keepCopy(backup, before);
    await keepCopy(switched, Buffer.from(JSON.stringify(valueHashes(after))));
  } catch (e) {
    // The run directory may be the disk that is full: say so, and that the env file is untouched.
    const failed = fsFailure('write', backup ?? switched, e);
    return failed.ok
      ? failed
      : {
          ...failed,
          message: `${failed.message}; ${spec.file} was not changed`,
          hint: 'the copy of the original is kept in the run directory (.runbook/runs) before the file is switched; free space there or make it writable',
        };
  }
  try {
    if (!current.exists || !after.equals(before)) {
      await writeFileAtomic(current.path, after, current.exists ? current : { mode });
    }
  } catch (e) {
    return fsFailure('write', current.path, e);
  }
  const undo: EnvSwitchUndo = {
    file: current.path,
    backup,
    switched,
    sha256_before: current.exists ? sha256(before) : null,
    sha256_after: sha256(after),
    existed: current.exists,
    mode,
  };
  const env: Record<string, string | null> = { ...set };
  for (const k of unset) env[k] = null;
  const changed = [...Object.keys(set), ...unset];
  const note = after.equals(before)
    ? `${spec.file} already had these values`
    : `${current.exists ? 'switched' : 'created'} ${spec.file}: ${changed.join(', ')}`;
  return { ok: true, outputs: { changed, file: current.path }, undo: undo as unknown as JsonValue, env, note };
}

/** Tells the operator that an edit made after the switch is being replaced, and where it is kept. */
async function warnAboutLaterEdit(token: EnvSwitchUndo, now: FileState, ctx: StepContext): Promise<void> {
  if (!now.exists) {
    ctx.warn(`${token.file} was deleted after the switch; restored it anyway`);
    return;
  }
  const kept = join(dirname(token.switched), 'overwritten.env');
  await keepCopy(kept, Buffer.from(ctx.mask(now.bytes.toString('utf8'))));
  const written = await readFile(token.switched, 'utf8')
    .then((t) => JSON.parse(t) as Record<string, string>)
    .catch(() => undefined);
  const keys = written ? changedKeys(written, valueHashes(now.bytes)) : [];
  const what =
    written === undefined
      ? 'which keys is unknown'
      : keys.length > 0
        ? `keys ${keys.join(', ')}`
        : 'no key values, only comments or layout';
  const action = token.existed ? 'restored the original anyway' : 'removed it anyway, as the switch had created it';
  ctx.warn(`${token.file} was changed after the switch (${what}); ${action}; the changed file is kept in ${kept}`);
}

async function restoreFile(rawToken: JsonValue, ctx: StepContext): Promise<StepResult> {
  const token = parseUndoToken(rawToken);
  let original: Buffer | undefined;
  if (token.backup !== null) {
    original = await readFile(token.backup).catch(() => undefined);
    if (original === undefined || sha256(original) !== token.sha256_before) {
      return {
        ok: false,
        message: `cannot restore ${token.file}: the copy of the original at ${token.backup} is ${original === undefined ? 'missing' : 'not the file as it was (its sha256 differs)'}`,
        hint: `restore ${token.file} by hand; the file was left as it is`,
      };
    }
  }
  try {
    const now = await readFileState(token.file);
    const nowSha = now.exists ? sha256(now.bytes) : null;
    if (nowSha === token.sha256_before)
      return { ok: true, outputs: { file: token.file }, note: `${token.file} was already as before the switch` };
    if (nowSha !== token.sha256_after) await warnAboutLaterEdit(token, now, ctx);
    if (original === undefined) {
      await rm(token.file, { force: true });
      await syncDirectory(dirname(token.file));
      return { ok: true, outputs: { file: token.file }, note: `removed ${token.file}, which the switch had created` };
    }
    await writeFileAtomic(token.file, original, now.exists ? now : { mode: token.mode });
  } catch (e) {
    return fsFailure('restore', token.file, e);
  }
  return { ok: true, outputs: { file: token.file }, note: `restored ${token.file} byte-for-byte` };
}

/** Sets, updates and unsets keys in a dotenv file atomically, keeping the original to restore on rollback. */
export const envSwitch = defineStepKind<EnvSwitchSpec>({
  kind: 'env-switch',
  summary: 'Sets, updates and unsets keys in a dotenv file atomically, keeping every other line; rollback restores the file byte-for-byte.',
  schema: { properties, required: ['file'] },
  outputs: () => ['changed', 'file'],
  describe(given, ctx) {
    const spec = resolveEnvSwitchSpec(given);
    const lines: DescribeLine[] = [{ label: 'file', text: ctx.mask(spec.file) + (spec.create ? ' (created when missing)' : '') }];
    for (const [k, v] of Object.entries(spec.set ?? {})) lines.push({ label: 'set', text: `${k}=${ctx.mask(v)}` });
    for (const [k, v] of Object.entries(spec.update ?? {}))
      lines.push({ label: 'update', text: `${k}=${ctx.mask(v)} (only if already in the file)` });
    if (spec.unset && spec.unset.length > 0) lines.push({ label: 'unset', text: spec.unset.join(', ') });
    return lines;
  },
  run: switchFile,
  undo: restoreFile,
  undoSummary: 'restore the file byte-for-byte from the copy kept at the switch (remove it if the switch created it)',
  manualUndo(rawToken) {
    const token = parseUndoToken(rawToken);
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    return token.backup === null
      ? `${token.file} is still switched (the switch created it); to undo: rm ${q(token.file)}`
      : `${token.file} is still switched; to undo: cp ${q(token.backup)} ${q(token.file)}`;
  },
});
