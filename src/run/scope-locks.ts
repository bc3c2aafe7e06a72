import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildScope, renderConnection } from '../engine/scope.js';
import type { RunOptions } from '../engine/run-plan.js';
import type { Plan } from '../plan/model.js';
import { TemplateRenderer } from '../template/render.js';
import type { Refusal } from './continue-checks.js';
import { lockDatabase } from './database-lock.js';
import { acquireLock } from './lock.js';
import { lockRefusal } from './lock-refusal.js';

/** The locks a run holds; `release` frees them all. */
export type HeldLocks = { readonly ok: true; release(): Promise<void> };

const real = (path: string) => {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
};

/** The plan's lock scopes, rendered: directories by real path, then databases, each in a fixed order. */
function scopesOf(plan: Plan, options: RunOptions, runId: string): { dirs: string[]; databases: { name: string; url: string }[] } {
  const renderer = new TemplateRenderer(options.now ?? new Date());
  const scope = buildScope({ plan, vars: options.vars, env: options.env, steps: {}, run: { id: runId, cwd: options.cwd } });
  const dirs = new Set([real(options.cwd)]);
  const databases = new Map<string, { name: string; url: string }>();
  for (const l of plan.locks ?? []) {
    if (l.type === 'dir') dirs.add(real(resolve(options.cwd, renderer.render(l.path, scope))));
    const decl = l.type === 'postgres' ? plan.connections.find((c) => c.name === l.connection && c.type === 'postgres') : undefined;
    if (l.type === 'postgres' && !decl) throw new Error(`locks: "${l.connection}" is not a postgres connection of the plan`);
    if (decl) {
      const spec = renderConnection(decl, renderer, scope);
      if (spec.type === 'postgres') databases.set(spec.url, { name: decl.name, url: spec.url });
    }
  }
  return { dirs: [...dirs].sort(), databases: [...databases.values()].sort((a, b) => a.url.localeCompare(b.url)) };
}

/**
 * Takes every lock of a run in a fixed order (directories by path, then databases), so two runs
 * never wait on each other crosswise; at the first one held by another run, releases what it took
 * and names the holder.
 */
export async function takeLocks(plan: Plan, options: RunOptions, runId: string): Promise<HeldLocks | Refusal> {
  const held: (() => Promise<void> | void)[] = [];
  const release = async () => {
    for (const r of held.reverse()) await r();
  };
  let scopes: ReturnType<typeof scopesOf>;
  try {
    scopes = scopesOf(plan, options, runId);
  } catch (e) {
    return {
      ok: false,
      message: `cannot work out what the run locks: ${options.masker.mask((e as Error).message)}`,
      hint: 'locks: lists directories (dir: path) and postgres connections (postgres: name)',
    };
  }
  for (const dir of scopes.dirs) {
    const lock = acquireLock(dir, runId);
    if (!lock.ok) {
      await release();
      return await lockRefusal(dir, lock);
    }
    held.push(() => lock.release());
  }
  for (const db of scopes.databases) {
    const lock = await lockDatabase(db.url, runId);
    if (!lock.ok) {
      await release();
      return 'holder' in lock
        ? {
            ok: false,
            message: `the database of connection "${db.name}" is locked by another run: ${options.masker.mask(lock.holder)}`,
            hint: 'wait for that run to finish; its lock goes when its process ends',
          }
        : {
            ok: false,
            message: `cannot lock the database of connection "${db.name}": ${options.masker.mask(lock.error)}`,
            hint: 'check that PostgreSQL answers at that URL',
          };
    }
    held.push(() => lock.release());
  }
  return { ok: true, release };
}
