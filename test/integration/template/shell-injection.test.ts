import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TemplateRenderer, type TemplateScope } from '../../../src/template/render.js';
import { runCli } from '../../helpers/cli.js';
import { workspace } from '../../helpers/workspace.js';

/**
 * The injection matrix: hostile values × the quoting contexts a shell command can put a value
 * in, run by real shells. Each accepted context must hand the command exactly the value, and
 * no value may create the marker file; each refused context must stop the plan at validation.
 */

/** Values an attacker (or an unlucky file name) could put in a var; `X` is the marker path. */
function hostileValues(x: string): Record<string, string> {
  return {
    'command substitution': `$(touch ${x})`,
    backticks: `\`touch ${x}\``,
    'closing double quote': `"; touch ${x} #`,
    'single quote': `'`,
    'closing single quote': `'; touch ${x}; '`,
    newlines: `a\ntouch ${x}\nb`,
    'here-doc terminator': `a\nEOF\ntouch ${x}\nEOF`,
    backslash: '\\',
    'trailing backslash': `a\\`,
    'dollar HOME': '$HOME',
    glob: '*',
    'leading dash': '-n',
    'brace and semicolon': `}; touch ${x}; {`,
    empty: '',
  };
}

/** Contexts that take a value, each writing what the command received into out/<name>. */
const accepted = {
  'double quotes': `printf '%s' "{{vars.x}}" > "{{vars.out}}/double-quotes"`,
  'double quotes with text': `printf '%s' "<{{vars.x}}>" > "{{vars.out}}/double-quotes-text"`,
  unquoted: `printf '%s' {{vars.x}} > {{vars.out}}/unquoted`,
  'unquoted, glued to text': `printf '%s' pre-{{vars.x}}-post > {{vars.out}}/glued`,
  'unquoted here-doc': `cat > {{vars.out}}/here-doc <<EOF\n{{vars.x}}\nEOF`,
  backticks: "v=`printf '%s' {{vars.x}}`; printf '%s' \"$v\" > {{vars.out}}/backticks",
  'backticks in double quotes': 'v="`printf \'%s\' "{{vars.x}}"`"; printf \'%s\' "$v" > {{vars.out}}/backticks-dq',
  '$(...)': `v=$(printf '%s' {{vars.x}}); printf '%s' "$v" > {{vars.out}}/dollar-paren`,
  '$(...) in double quotes': `v="$(printf '%s' "{{vars.x}}")"; printf '%s' "$v" > {{vars.out}}/dollar-paren-dq`,
  'an assignment': `v={{vars.x}}; printf '%s' "$v" > {{vars.out}}/assignment`,
} as const;

/** What each context's file must hold for a value: command substitution drops trailing newlines, a here-doc adds one. */
function expected(name: keyof typeof accepted, value: string): string {
  if (name.startsWith('backticks') || name.startsWith('$(')) return value.replace(/\n+$/, '');
  if (name === 'unquoted here-doc') return `${value}\n`;
  if (name === 'double quotes with text') return `<${value}>`;
  if (name === 'unquoted, glued to text') return `pre-${value}-post`;
  return value;
}

const fileOf: Record<keyof typeof accepted, string> = {
  'double quotes': 'double-quotes',
  'double quotes with text': 'double-quotes-text',
  unquoted: 'unquoted',
  'unquoted, glued to text': 'glued',
  'unquoted here-doc': 'here-doc',
  backticks: 'backticks',
  'backticks in double quotes': 'backticks-dq',
  '$(...)': 'dollar-paren',
  '$(...) in double quotes': 'dollar-paren-dq',
  'an assignment': 'assignment',
};

const indent = (text: string, by: string) => text.split('\n').join(`\n${by}`);

/** A plan with one step per accepted context, one as a rollback action, one through [sh, -c], then a failure. */
function matrixPlan(): string {
  const steps = Object.entries(accepted).map(
    ([name, run], i) =>
      `  - id: context-${i + 1}\n    kind: shell\n    title: ${JSON.stringify(name)}\n    run: |\n      ${indent(run, '      ')}`,
  );
  return [
    'version: 1',
    'name: injection',
    'vars:',
    '  x: { required: true }',
    '  out: { required: true }',
    'steps:',
    ...steps,
    '  - id: argv-script',
    '    kind: shell',
    `    run: [sh, -c, "printf '%s' \\"{{vars.x}}\\" > {{vars.out}}/sh-c"]`,
    '  - id: undo-writes',
    '    kind: shell',
    '    run: "true"',
    '    rollback:',
    '      - kind: shell',
    `        run: printf '%s' {{vars.x}} > {{vars.out}}/rollback`,
    '  - id: fail',
    '    kind: shell',
    '    run: exit 1',
    '',
  ].join('\n');
}

describe('a hostile value in a shell command, run by /bin/sh through runbook exec', () => {
  const ws = workspace();
  const plan = ws.write('matrix.yaml', matrixPlan());
  const marker = join(ws.dir, 'pwned');

  it('the matrix plan is valid', async () => {
    expect(await runCli(['validate', plan], { cwd: ws.dir })).toMatchObject({ code: 0 });
  });

  for (const [label, value] of Object.entries(hostileValues(marker))) {
    it(`${label}: ${JSON.stringify(value)} reaches every command exactly and runs nowhere`, async () => {
      const out = join(ws.dir, `out-${label.replace(/\W+/g, '-')}`);
      mkdirSync(out);
      const r = await runCli(['exec', plan, '--var', `x=${value}`, '--var', `out=${out}`], { cwd: ws.dir });
      expect(r.code).toBe(1); // the last step fails on purpose, so the rollback action runs too
      expect(r.stdout).toContain('fail');
      for (const name of Object.keys(accepted) as (keyof typeof accepted)[]) {
        expect({ context: name, got: readFileSync(join(out, fileOf[name]), 'utf8') }).toEqual({
          context: name,
          got: expected(name, value),
        });
      }
      expect(readFileSync(join(out, 'sh-c'), 'utf8')).toBe(value);
      expect(readFileSync(join(out, 'rollback'), 'utf8')).toBe(value);
      expect(existsSync(marker)).toBe(false);
    });
  }
});

describe('the same commands under bash and dash', () => {
  const renderer = new TemplateRenderer(new Date());
  const ws = workspace();
  const marker = join(ws.dir, 'pwned');
  const scope = (x: string, out: string): TemplateScope => ({ vars: { x, out }, env: {}, steps: {}, run: {}, plan: {} });

  for (const shell of ['bash', 'dash']) {
    it(`${shell}: every hostile value in every accepted context arrives exactly`, () => {
      for (const [label, value] of Object.entries(hostileValues(marker))) {
        const out = join(ws.dir, `${shell}-${label.replace(/\W+/g, '-')}`);
        mkdirSync(out);
        for (const [name, run] of Object.entries(accepted) as [keyof typeof accepted, string][]) {
          const { spec, values } = renderer.renderAction({ run }, scope(value, out), ['run']);
          // --norc: bash reads ~/.bashrc when its stdin looks like a remote shell's, which is not the point here.
          const argv = shell === 'bash' ? ['--norc', '--noprofile', '-c', String(spec.run)] : ['-c', String(spec.run)];
          execFileSync(shell, argv, { env: { PATH: process.env.PATH, ...values.env() }, cwd: ws.dir, stdio: ['ignore', 'pipe', 'pipe'] });
          expect({ shell, label, context: name, got: readFileSync(join(out, fileOf[name]), 'utf8') }).toEqual({
            shell,
            label,
            context: name,
            got: expected(name, value),
          });
        }
      }
      expect(existsSync(marker)).toBe(false);
    });
  }
});

describe('contexts where a value cannot go', () => {
  const refused = {
    'single quotes': { run: "printf '%s' '{{vars.x}}'", rule: 'RB309', says: 'inside single quotes' },
    'quoted here-doc': { run: "cat <<'EOF'\n{{vars.x}}\nEOF", rule: 'RB309', says: 'quoted here-document' },
    'double-quoted here-doc delimiter': { run: 'cat <<"EOF"\n{{vars.x}}\nEOF', rule: 'RB309', says: 'quoted here-document' },
    'here-doc delimiter': { run: 'cat <<{{vars.x}}\nEOF\n', rule: 'RB309', says: 'here-document delimiter' },
    arithmetic: { run: 'echo $(( {{vars.x}} + 1 ))', rule: 'RB309', says: 'arithmetic' },
    // bash evaluates a[$(...)] in the operands of [[ -eq ]] and let: both run code from a value.
    'double brackets': { run: '[[ {{vars.x}} -eq 1 ]] && echo one', rule: 'RB309', says: 'inside \\[\\[' },
    let: { run: 'let n={{vars.x}}+1', rule: 'RB309', says: 'arithmetic' },
    'for ((...))': { run: 'for ((i = 0; i < "{{vars.x}}"; i++)); do :; done', rule: 'RB309', says: 'arithmetic' },
    'array index': { run: 'a["{{vars.x}}"]=1', rule: 'RB309', says: 'arithmetic' },
    'declare -i': { run: 'declare -i n="{{vars.x}}"', rule: 'RB309', says: 'arithmetic' },
    comment: { run: 'true # {{vars.x}}', rule: 'RB309', says: 'comment' },
    'raw output': { run: 'printf %s {{{vars.x}}}', rule: 'RB310', says: 'as code' },
    // Builtins that run their arguments as code: a reference in "..." expands first, then runs.
    eval: { run: 'eval "echo {{vars.x}}"', rule: 'RB309', says: 'eval, trap or alias' },
    'command eval': { run: 'x=1 command eval "echo {{vars.x}}"', rule: 'RB309', says: 'eval, trap or alias' },
    trap: { run: 'trap "rm -f {{vars.x}}" EXIT', rule: 'RB309', says: 'eval, trap or alias' },
    alias: { run: 'alias e="echo {{vars.x}}"\ne', rule: 'RB309', says: 'eval, trap or alias' },
    // bash evaluates the index of a variable name such as a[$(...)] given as a value.
    'read NAME (bash)': { run: 'read {{vars.x}} <<< 1', rule: 'RB309', says: 'variable name', bash: true },
    'printf -v NAME (bash)': { run: 'printf -v "{{vars.x}}" %s 1', rule: 'RB309', says: 'variable name', bash: true },
    'test -v NAME (bash)': { run: '[ -v {{vars.x}} ]', rule: 'RB309', says: 'variable name', bash: true },
    'declare -n (bash)': { run: 'declare -n r={{vars.x}}; echo "$r"', rule: 'RB309', says: 'variable name', bash: true },
    'while((...)) glued to its keyword (bash)': {
      run: 'while((i < {{vars.x}})); do i=9; done',
      rule: 'RB309',
      says: 'arithmetic',
      bash: true,
    },
    'for((...)) glued to its keyword (bash)': {
      run: 'for((i = 0; i < {{vars.x}}; i++)); do :; done',
      rule: 'RB309',
      says: 'arithmetic',
      bash: true,
    },
    'PS4 (bash)': { run: 'PS4="+{{vars.x}} "; set -x; true', rule: 'RB309', says: 'prompt string', bash: true },
    'printf -vNAME (bash)': { run: 'printf -v{{vars.x}} %s 1', rule: 'RB309', says: 'variable name', bash: true },
    'a name declared -i (bash)': { run: 'declare -i n\nn="{{vars.x}}"', rule: 'RB309', says: 'arithmetic', bash: true },
  } as const;

  for (const [name, entry] of Object.entries(refused)) {
    const { run, rule, says } = entry;
    const bash = 'bash' in entry;
    it(`${name}: validate and exec refuse the plan with its position, and nothing runs`, async () => {
      const ws = workspace();
      const marker = join(ws.dir, 'pwned');
      // a[$(...)] runs its index wherever bash reads the value as a name or a number, and as code elsewhere.
      const value = bash ? `a[$(touch ${marker})]` : `$(touch ${marker})`;
      const field = bash
        ? `run:\n      - bash\n      - -c\n      - |\n        ${indent(run, '        ')}`
        : `run: |\n      ${indent(run, '      ')}`;
      const plan = ws.write(
        'plan.yaml',
        `version: 1\nname: refused\nvars:\n  x: { default: "${value}" }\nsteps:\n  - id: use\n    kind: shell\n    ${field}\n`,
      );
      const v = await runCli(['validate', plan], { cwd: ws.dir });
      expect(v.code).toBe(2);
      expect(v.stdout + v.stderr).toMatch(new RegExp(`plan\\.yaml:\\d+:\\d+: error ${rule} .*${says}`));
      const e = await runCli(['exec', plan], { cwd: ws.dir });
      expect(e.code).toBe(2);
      expect(existsSync(marker)).toBe(false);
    });
  }
});
