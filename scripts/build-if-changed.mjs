// The build (`npm run compile`), stamped with the sha256 of its inputs — every file under src/ and
// the build's configuration — in dist/.build-inputs. `npm run build` passes --always; `npm run demo`
// builds only when the stamp does not match. Contents, not times: a checkout or a copy that only
// changes mtimes does not rebuild. The digest is taken before compiling, so an edit made during
// a build is built next time.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const inputs = ['src', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build-validator.mjs'];
// What a build leaves behind; a dist without them is rebuilt whatever the stamp says.
const outputs = ['dist/demo/run-demo.js', 'dist/cli/run-process.js', 'dist/plan/plan-validator.cjs'];
const stamp = join(root, 'dist', '.build-inputs');

function files(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => files(join(path, name)));
}

const hash = createHash('sha256');
for (const file of inputs.flatMap((input) => files(join(root, input))))
  hash
    .update(`${relative(root, file)}\0`)
    .update(readFileSync(file))
    .update('\0');
const digest = hash.digest('hex');

const built =
  !process.argv.includes('--always') &&
  outputs.every((file) => existsSync(join(root, file))) &&
  existsSync(stamp) &&
  readFileSync(stamp, 'utf8') === digest;
if (!built) {
  rmSync(stamp, { force: true });
  execFileSync('npm', ['run', 'compile', '--silent'], { cwd: root, stdio: 'inherit' });
  writeFileSync(stamp, digest);
}
