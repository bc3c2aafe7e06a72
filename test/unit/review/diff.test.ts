import { describe, expect, it } from 'vitest';
import pc from 'picocolors';
import { validatePlanFile, validatePlanText } from '../../../src/plan/validate.js';
import { diffPlans } from '../../../src/review/diff.js';
import { formatDiffText } from '../../../src/review/diff-text.js';
import { createStepKindRegistry } from '../../../src/steps/index.js';

const kinds = createStepKindRegistry();

const dir = 'test/fixtures/review/diff';
const plain = pc.createColors(false);

function diffOf(name: string, baseName = 'base') {
  const a = validatePlanFile(`${dir}/${baseName}.yaml`, kinds).plan;
  const b = validatePlanFile(`${dir}/${name}.yaml`, kinds).plan;
  expect(a).toBeDefined();
  expect(b).toBeDefined();
  return diffPlans(a, b, { old: `${baseName}.yaml`, new: `${name}.yaml` }, kinds);
}

/** The printed diff without its header and summary lines. */
function body(name: string, baseName = 'base'): string[] {
  return formatDiffText(diffOf(name, baseName), plain).trimEnd().split('\n').slice(1, -2);
}

describe('diffPlans', () => {
  it('finds no change when only comments, key order and quoting differ', () => {
    const d = diffOf('same-meaning');
    expect(d.same).toBe(true);
    expect(d.changes).toEqual([]);
    expect(formatDiffText(d, plain)).toBe('base.yaml and same-meaning.yaml mean the same\n');
  });

  it('warns when a step loses its rollback', () => {
    expect(body('rollback-removed')).toEqual([
      '~ step "restart" (shell)',
      '    rollback 1 removed (shell) Restart it again on the old settings',
      '    ! rollback removed: step "restart" has no rollback any more; a later failure leaves its change in place',
    ]);
  });

  it('warns when a rollback action now runs only under a condition', () => {
    expect(body('rollback-weakened')).toEqual([
      '~ step "restart" (shell)',
      '    rollback 1 changed (shell) Restart it again on the old settings',
      '      when: vars.app_dir == "/srv/app"',
      '    ! rollback weakened: rollback action 1 of step "restart" now runs only when vars.app_dir == "/srv/app"',
    ]);
  });

  it('warns when raw: true lets a {{{ }}} value run as shell code', () => {
    expect(body('raw-shell').slice(-4)).toEqual([
      '    rollback 1 changed (shell) Restart it again on the old settings',
      '      run: systemctl restart app → {{{vars.restart_cmd}}}',
      '      raw: true',
      '    ! raw shell code: rollback action 1 of step "restart" says raw: true, so its {{{ }}} values run as shell code; check where each value comes from',
    ]);
  });

  it('warns when a confirm gate before a destructive step is removed', () => {
    expect(body('gate-removed')).toEqual([
      '- step "stop-writes" (confirm)',
      '    ! gate removed: confirm "stop-writes" no longer stops the run before "switch-env" (env-switch)',
    ]);
  });

  it('warns when a confirm gate moves after the destructive step it guarded', () => {
    expect(body('gate-moved')).toEqual([
      '~ step "stop-writes" (confirm)',
      '    moved from 2 to 3, after "switch-env"',
      '    ! gate moved: confirm "stop-writes" now comes after "switch-env" (env-switch), which it used to guard',
    ]);
  });

  it('shows new and changed shell commands rendered, with secrets masked', () => {
    expect(body('shell-changed')).toEqual([
      '+ step "drain" (shell)',
      '    title: Drain the queue',
      "    run: app-ctl drain --token '****'",
      '    ! new shell command: step "drain" runs a command that was not in the plan',
      '~ step "restart" (shell)',
      '    timeout: 30s → 1m',
      '    run: systemctl restart app → systemctl restart app && sleep 5',
      '    ! shell command changed: step "restart" now runs a different command; read it before approving',
    ]);
  });

  it('warns when what a check accepts changes', () => {
    expect(body('check-loosened')).toEqual([
      '~ step "check-target" (sql-check)',
      '    expect.value: 0 → (none)',
      '    expect.compare.op: >=',
      '    expect.compare.value: 0',
      '    ! check loosened: what step "check-target" accepts changed (expect.value, expect.compare.op, expect.compare.value); make sure it still fails when it should',
    ]);
  });

  it('warns when a secret var stops being secret, and masks URL passwords of changed connections', () => {
    expect(body('secret-unmasked')).toEqual([
      '~ var "app_dir"',
      '    default: /srv/app → /opt/app',
      '    step "switch-env" file, re-rendered: /srv/app/.env → /opt/app/.env',
      '    ! var default changed: var "app_dir" now gives step "switch-env" (env-switch) a different file; read it re-rendered in this diff before approving',
      '~ var "api_token"',
      '    secret: true → false',
      '    ! secret no longer masked: var "api_token" is not secret any more; its value will show in output, logs and reports',
      '~ connection "target"',
      '    postgres: postgresql://app:****@db/app → postgresql://app:****@db2/app',
    ]);
    expect(JSON.stringify(diffOf('secret-unmasked'))).not.toMatch(/tok-12345|s3cret-pw|other-pw/);
  });

  it('ends with a count of changes and risk notes', () => {
    const text = formatDiffText(diffOf('shell-changed'), plain);
    expect(text.split('\n').slice(0, 1)).toEqual(['base.yaml → shell-changed.yaml']);
    expect(text.endsWith('\n\n2 changes, 2 risk notes\n')).toBe(true);
  });

  it('treats a missing old plan (a new file in git) as every step added', () => {
    const b = validatePlanFile(`${dir}/base.yaml`, kinds).plan;
    const d = diffPlans(undefined, b, { old: '/dev/null', new: 'base.yaml' }, kinds);
    expect(d.changes.filter((c) => c.target === 'step').map((c) => `${c.status} ${c.name}`)).toEqual([
      'added check-target',
      'added stop-writes',
      'added switch-env',
      'added restart',
    ]);
  });
});

describe('diffPlans on inline plans', () => {
  const plan = (text: string) => {
    const r = validatePlanText('inline.yaml', text, kinds);
    expect(r.diagnostics).toEqual([]);
    return r.plan;
  };
  const head = 'version: 1\nname: p\n';

  it('reports a step that moved and changed once, and new vars and connections with what they are', () => {
    const a = plan(
      `${head}steps:\n  - { id: one, kind: shell, run: echo 1 }\n  - { id: two, kind: shell, run: echo 2 }\n  - { id: three, kind: shell, run: echo 3 }\n`,
    );
    const b = plan(
      `${head}vars:\n  db: { env: DB, secret: true, required: true }\nconnections:\n  main: { sqlite: app.db }\nsteps:\n  - { id: three, kind: shell, run: echo three }\n  - { id: one, kind: shell, run: echo 1 }\n  - { id: two, kind: shell, run: echo 2 }\n`,
    );
    expect(
      formatDiffText(diffPlans(a, b, { old: 'a', new: 'b' }, kinds), plain)
        .trimEnd()
        .split('\n')
        .slice(1, -2),
    ).toEqual([
      '+ var "db"',
      '    env: DB',
      '    secret: true',
      '    required: true',
      '+ connection "main"',
      '    sqlite: app.db',
      '~ step "three" (shell)',
      '    moved from 3 to 1, now first',
      '    run: echo 3 → echo three',
      '    ! shell command changed: step "three" now runs a different command; read it before approving',
    ]);
  });

  it('warns when an http-smoke check is loosened: a status list widened, body and JSON checks removed, a request gone', () => {
    expect(body('deploy-smoke-loosened', 'deploy').filter((l) => l.includes('!'))).toEqual([
      '    ! check loosened: request "documents" of step "smoke" accepts status 200, 500 (was 200); no longer checks that the body contains "b.pdf"; no longer checks JSON path $.total; make sure it still fails when it should',
      '    ! check loosened: step "smoke" no longer sends request "health", so nothing checks its answer',
    ]);
  });

  it('says nothing loosened when an http-smoke check only gets stricter', () => {
    const a = plan(`${head}steps:\n  - { id: s, kind: http-smoke, base_url: http://h, requests: [{ path: /a }] }\n`);
    const b = plan(
      `${head}steps:\n  - { id: s, kind: http-smoke, base_url: http://h, requests: [{ path: /a, expect: { status: 200, body_contains: ok } }] }\n`,
    );
    expect(diffPlans(a, b, { old: 'a', new: 'b' }, kinds).changes.flatMap((c) => c.risks)).toEqual([]);
    const wider = plan(
      `${head}steps:\n  - { id: s, kind: http-smoke, base_url: http://h, requests: [{ path: /a, expect: { status: [200, 404] } }] }\n`,
    );
    expect(diffPlans(a, wider, { old: 'a', new: 'b' }, kinds).changes.flatMap((c) => c.risks.map((r) => r.message))).toEqual([
      'check loosened: request GET /a of step "s" accepts status 200, 404 (was any 2xx); make sure it still fails when it should',
    ]);
  });

  it('shows each step a changed var default feeds, re-rendered before → after', () => {
    expect(body('deploy-default-changed', 'deploy')).toEqual([
      '~ var "release_dir"',
      '    default: /srv/releases/current → /srv',
      '    step "prune" run, re-rendered: find /srv/releases/current/.. -maxdepth 1 -mtime +30 -exec rm -rf {} + → find /srv/.. -maxdepth 1 -mtime +30 -exec rm -rf {} +',
      '    ! var default changed: var "release_dir" now gives step "prune" (shell) a different run; read it re-rendered in this diff before approving',
    ]);
  });

  it('re-renders rollback actions and checks too, with a note only for what changes something', () => {
    const vars = (d: string) =>
      `${head}vars:\n  dir: { default: ${d} }\nconnections:\n  db: { sqlite: app.db }\nsteps:\n  - id: q\n    kind: sql-check\n    connection: db\n    query: select count(*) from files where dir = ?\n    params: ["{{vars.dir}}"]\n  - id: mv\n    kind: shell\n    run: echo hi\n    rollback:\n      - kind: shell\n        run: rm -r {{vars.dir}}/new\n`;
    const d = diffPlans(plan(vars('/a')), plan(vars('/b')), { old: 'a', new: 'b' }, kinds);
    expect(d.changes[0]?.affected).toEqual([
      { step: 'q', field: 'params', old: '/a', new: '/b' },
      { step: 'mv', rollback: 1, field: 'run', old: 'rm -r /a/new', new: 'rm -r /b/new' },
    ]);
    expect(d.changes[0]?.risks.map((r) => r.message)).toEqual([
      'var default changed: var "dir" now gives rollback action 1 of step "mv" (shell) a different run; read it re-rendered in this diff before approving',
    ]);
  });

  it('warns when a step moves ahead of a step that changes the table or file it reads', () => {
    expect(body('deploy-moved', 'deploy')).toEqual([
      '~ step "files-counted" (sql-check)',
      '    ! order changed: step "files-counted" now runs before "migrate" (shell), which it used to follow and which changes what both name (table files, file /srv/app/app.db); make sure what it reads is there when it runs',
      '~ step "migrate" (shell)',
      '    moved from 1 to 2, after "files-counted"',
    ]);
  });

  it('says nothing of a reorder when the steps share no data or the overtaken step only checks', () => {
    const steps = (order: string[]) => `${head}connections:\n  db: { sqlite: app.db }\nsteps:\n${order.join('')}`;
    const count = '  - { id: count, kind: sql-check, connection: db, query: select count(*) from files }\n';
    const other = '  - { id: other, kind: shell, run: touch /tmp/elsewhere.txt }\n';
    const check = '  - { id: check, kind: sql-check, connection: db, query: select count(*) from files where 1 }\n';
    const risks = (a: string[], b: string[]) =>
      diffPlans(plan(steps(a)), plan(steps(b)), { old: 'a', new: 'b' }, kinds).changes.flatMap((c) => c.risks);
    expect(risks([other, count], [count, other])).toEqual([]);
    expect(risks([check, count], [count, check])).toEqual([]);
  });

  it('counts a removed check as a loosened check', () => {
    const a = plan(
      `${head}connections:\n  db: { sqlite: app.db }\nsteps:\n  - { id: ok, kind: sql-check, connection: db, query: select 1 }\n  - { id: go, kind: shell, run: 'true' }\n`,
    );
    const b = plan(`${head}connections:\n  db: { sqlite: app.db }\nsteps:\n  - { id: go, kind: shell, run: 'true' }\n`);
    expect(diffPlans(a, b, { old: 'a', new: 'b' }, kinds).changes.flatMap((c) => c.risks)).toEqual([
      { risk: 'check-loosened', message: 'check removed: step "ok" (sql-check) no longer runs' },
    ]);
  });
});

describe('diffPlans on finally, for_each and plug-ins', () => {
  const plan = (opts: { items?: string; finally?: string; plugins?: string }) => `version: 1
name: reuse
${opts.plugins ?? ''}
steps:
  - id: ping
    kind: shell
    for_each: ${opts.items ?? '[api, worker]'}
    run: echo {{item}}
${
  opts.finally ??
  `finally:
  - id: stop-helper
    kind: shell
    run: echo stop`
}
`;
  const diff = (a: string, b: string) => {
    const before = validatePlanText('old.yaml', a, kinds);
    const after = validatePlanText('new.yaml', b, kinds);
    expect(before.diagnostics).toEqual([]);
    expect(after.diagnostics).toEqual([]);
    return formatDiffText(diffPlans(before.plan, after.plan, { old: 'old.yaml', new: 'new.yaml' }, kinds), plain)
      .trimEnd()
      .split('\n')
      .slice(1);
  };

  it('shows a loop list that grew or shrank, with its length', () => {
    expect(diff(plan({}), plan({ items: '[api, worker, cron]' }))).toEqual([
      '~ step "ping" (shell)',
      '    for_each: [api, worker] (2 items) → [api, worker, cron] (3 items)',
      '',
      '1 change, 0 risk notes',
    ]);
    expect(diff(plan({}), plan({ items: '[api]' }))[1]).toBe('    for_each: [api, worker] (2 items) → [api] (1 item)');
  });

  it('warns when a finally step is removed', () => {
    expect(diff(plan({}), plan({ finally: '' }))).toEqual([
      '- finally step "stop-helper" (shell)',
      '    ! cleanup removed: finally step "stop-helper" no longer runs; what it cleaned up now stays after every run, failed or not',
      '',
      '1 change, 1 risk note',
    ]);
  });

  it('shows a changed finally step like any step', () => {
    expect(diff(plan({}), plan({ finally: 'finally:\n  - id: stop-helper\n    kind: shell\n    run: echo stop now' })).slice(0, 2)).toEqual(
      ['~ finally step "stop-helper" (shell)', '    run: echo stop → echo stop now'],
    );
  });

  it('warns when the plug-in list changes', () => {
    const withPlugin = plan({ plugins: 'plugins: [./kinds/a.mjs]' });
    expect(diff(plan({}), withPlugin)).toEqual([
      '~ plan "reuse"',
      '    plugins: ./kinds/a.mjs',
      "    ! plug-ins changed: the plan adds ./kinds/a.mjs; the code of a plug-in runs with runbook's rights, so review it with the plan",
      '',
      '1 change, 1 risk note',
    ]);
    expect(diff(withPlugin, plan({ plugins: 'plugins: [./kinds/b.mjs]' }))[1]).toBe('    plugins: ./kinds/a.mjs → ./kinds/b.mjs');
  });
});

describe('diffPlans on included fragments', () => {
  it('shows a changed fragment parameter on each step it reaches', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'runbook-diff-include-'));
    mkdirSync(join(dir, 'fragments'));
    writeFileSync(
      join(dir, 'fragments/restart.yaml'),
      'params:\n  service: {}\nsteps:\n  - id: restart\n    kind: shell\n    run: systemctl restart {{params.service}}\n',
    );
    const plan = (service: string) =>
      `version: 1\nname: p\nsteps:\n  - include: fragments/restart.yaml\n    id: app\n    with: { service: ${service} }\n`;
    const before = validatePlanText(join(dir, 'old.yaml'), plan('api'), kinds);
    const after = validatePlanText(join(dir, 'new.yaml'), plan('worker'), kinds);
    expect(before.diagnostics).toEqual([]);
    const lines = formatDiffText(diffPlans(before.plan, after.plan, { old: 'old.yaml', new: 'new.yaml' }, kinds), plain)
      .trimEnd()
      .split('\n');
    expect(lines.slice(1, 3)).toEqual(['~ step "app-restart" (shell)', '    with.service: api → worker']);
  });
});
