import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workspace } from '../../helpers/workspace.js';

// A project whose build only counts how often it ran and leaves the files a real build leaves.
const countingBuild = `node -e "const fs=require('fs');for(const d of ['dist/demo','dist/cli','dist/plan'])fs.mkdirSync(d,{recursive:true});for(const f of ['dist/demo/run-demo.js','dist/cli/run-process.js','dist/plan/plan-validator.cjs'])fs.writeFileSync(f,'');fs.appendFileSync('builds.log','built\\\\n')"`;

function project(): { dir: string; builds: () => number; demo: () => void } {
  const ws = workspace();
  mkdirSync(join(ws.dir, 'scripts'));
  cpSync(resolve('scripts/build-if-changed.mjs'), join(ws.dir, 'scripts', 'build-if-changed.mjs'));
  ws.write('package.json', JSON.stringify({ name: 'p', type: 'module', scripts: { compile: countingBuild } }));
  ws.write('tsconfig.json', '{}');
  mkdirSync(join(ws.dir, 'src', 'cli'), { recursive: true });
  ws.write('src/index.ts', 'export const a = 1;\n');
  ws.write('src/cli/main.ts', 'export const b = 2;\n');
  return {
    dir: ws.dir,
    builds: () => readFileSync(join(ws.dir, 'builds.log'), 'utf8').split('\n').filter(Boolean).length,
    demo: () => execFileSync(process.execPath, ['scripts/build-if-changed.mjs'], { cwd: ws.dir, stdio: 'pipe' }),
  };
}

describe('scripts/build-if-changed.mjs (what `npm run demo` builds with)', () => {
  it('builds the first time, then only when a source or the build configuration changed', () => {
    const p = project();
    p.demo();
    expect(p.builds()).toBe(1);
    p.demo();
    expect(p.builds()).toBe(1);
    writeFileSync(join(p.dir, 'src/cli/main.ts'), 'export const b = 3;\n');
    p.demo();
    expect(p.builds()).toBe(2);
    writeFileSync(join(p.dir, 'src/cli/new.ts'), 'export const c = 1;\n');
    p.demo();
    expect(p.builds()).toBe(3);
    writeFileSync(join(p.dir, 'tsconfig.json'), '{ "compilerOptions": {} }');
    p.demo();
    expect(p.builds()).toBe(4);
    rmSync(join(p.dir, 'src/cli/new.ts'));
    p.demo();
    expect(p.builds()).toBe(5);
  });

  it('does not rebuild for a changed time alone, and rebuilds a dist that lost a file', () => {
    const p = project();
    p.demo();
    utimesSync(join(p.dir, 'src/index.ts'), new Date(), new Date(Date.now() + 60_000));
    p.demo();
    expect(p.builds()).toBe(1);
    rmSync(join(p.dir, 'dist/plan/plan-validator.cjs'));
    p.demo();
    expect(p.builds()).toBe(2);
  });

  it('--always (npm run build) builds whatever the stamp says, and stamps it for the demo', () => {
    const p = project();
    p.demo();
    execFileSync(process.execPath, ['scripts/build-if-changed.mjs', '--always'], { cwd: p.dir, stdio: 'pipe' });
    expect(p.builds()).toBe(2);
    p.demo();
    expect(p.builds()).toBe(2);
  });
});
