import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const src = join(dirname(fileURLToPath(import.meta.url)), '../../src');

const map = readFileSync(join(src, '../docs/architecture.md'), 'utf8');

/**
 * The layers of src/, read from the map in docs/architecture.md (so the map cannot drift): a file
 * may import from its own folder and from folders of a lower layer, never from a folder of its
 * own layer or above.
 */
const layers = new Map<string, number>([...map.matchAll(/^ {2,3}(\d+) {3}src\/([a-z.]+)/gm)].map((m) => [m[2]!, Number(m[1])]));

function layerOf(folder: string): number {
  const at = layers.get(folder);
  if (at === undefined) throw new Error(`src/${folder} is in no layer: add it to the map in docs/architecture.md`);
  return at;
}

/** Every relative import (static, type-only, re-export or dynamic) of every file under src/. */
function importsOf(): { from: string; to: string }[] {
  const edges: { from: string; to: string }[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.ts')) {
        const info = ts.preProcessFile(readFileSync(path, 'utf8'), true, true);
        for (const ref of info.importedFiles) {
          if (!ref.fileName.startsWith('.')) continue;
          const to = relative(src, normalize(join(dirname(path), ref.fileName))).replace(/\.js$/, '.ts');
          // Outside src/ (package.json for the version) is no layer.
          if (!to.startsWith('..')) edges.push({ from: relative(src, path), to });
        }
      }
    }
  };
  walk(src);
  return edges;
}

const folderOf = (file: string): string => (file.includes('/') ? file.split('/')[0]! : file);

describe('the import graph of src/', () => {
  const edges = importsOf();

  it('reads a layer for every folder of src/ from the map, and the map names only folders that exist', () => {
    const folders = readdirSync(src, { withFileTypes: true }).map((e) => e.name);
    expect([...layers.keys()].sort()).toEqual(folders.sort());
    const rooms = readdirSync(join(src, 'db'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect([...map.matchAll(/^src\/db\/([a-z]+)\//gm)].map((m) => m[1]).sort()).toEqual(rooms.sort());
  });

  it('finds the imports it checks', () => {
    expect(edges.length).toBeGreaterThan(500);
    expect(edges).toContainEqual({ from: 'db/compare/count.ts', to: 'core/connection.ts' });
  });

  it('has no import running up the layers or across a layer', () => {
    const upward = edges
      .filter((e) => folderOf(e.from) !== folderOf(e.to) && layerOf(folderOf(e.from)) <= layerOf(folderOf(e.to)))
      .map((e) => `${e.from} imports ${e.to}`);
    expect(upward).toEqual([]);
  });

  it('keeps core at the bottom: it imports nothing but core and packages', () => {
    expect(edges.filter((e) => folderOf(e.from) === 'core' && folderOf(e.to) !== 'core')).toEqual([]);
  });
});
