import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { workspace, type Workspace } from '../../helpers/workspace.js';

/** "Restart a service, then see it answers": the fragment every plan below includes. */
const restart = `params:
  service: { description: the service to restart }
  greeting: { default: hello }
steps:
  - id: stop
    kind: shell
    run: echo stop {{params.service}} >> trail.txt; echo stopped
    outputs:
      out: { regex: "^(stopped)$" }
  - id: start
    kind: shell
    run: echo start {{params.service}} {{params.greeting}} >> trail.txt
`;

const plan = (last: string) => `version: 1
name: with-fragments
vars:
  svc: { default: api }
steps:
  - include: fragments/restart.yaml
    id: api
    with: { service: "{{vars.svc}}" }
  - id: check
    kind: shell
    run: ${last}
    rollback:
      - include: fragments/restart.yaml
        id: undo
        with: { service: worker, greeting: bye }
`;

function withFragment(fragment = restart): Workspace {
  const ws = workspace();
  mkdirSync(join(ws.dir, 'fragments'));
  ws.write('fragments/restart.yaml', fragment);
  return ws;
}

const trail = (ws: Workspace) => readFileSync(join(ws.dir, 'trail.txt'), 'utf8');

describe('include: steps from a fragment file with parameters', () => {
  it("runs the fragment's steps with ids prefixed and params from with: and defaults; later steps read their outputs", async () => {
    const ws = withFragment();
    const r = await runCli(['exec', ws.write('plan.yaml', plan('echo check {{steps.api-stop.outputs.out}} >> trail.txt'))], {
      cwd: ws.dir,
    });
    expect(r.code).toBe(0);
    expect(trail(ws)).toBe('stop api\nstart api hello\ncheck stopped\n');
    expect(
      ws
        .lastJournal()
        .filter((e) => e.type === 'step-end')
        .map((e) => (e.type === 'step-end' ? e.step : '')),
    ).toEqual(['api-stop', 'api-start', 'check']);
  });

  it('runs a fragment as rollback actions, with its own params', async () => {
    const ws = withFragment();
    const r = await runCli(['exec', ws.write('plan.yaml', plan('echo check >> trail.txt; exit 1')), '--var', 'svc=db'], { cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(trail(ws)).toBe('stop db\nstart db hello\ncheck\n');
    const ws2 = withFragment();
    ws2.write(
      'plan.yaml',
      plan('echo check >> trail.txt')
        .replace('  - id: check', '  - id: check\n    title: checked')
        .concat('  - id: boom\n    kind: shell\n    run: exit 3\n'),
    );
    expect((await runCli(['exec', join(ws2.dir, 'plan.yaml')], { cwd: ws2.dir })).code).toBe(1);
    expect(trail(ws2)).toBe('stop api\nstart api hello\ncheck\nstop worker\nstart worker bye\n');
  });

  it("a fragment step reads the outputs of the fragment's earlier steps by their own ids", async () => {
    const ws = withFragment(
      restart.replace('{{params.greeting}} >> trail.txt', '{{params.greeting}} {{steps.stop.outputs.out}} >> trail.txt'),
    );
    ws.write('plan.yaml', plan('exit 0').replace(/    rollback:[\s\S]*$/, ''));
    const r = await runCli(['exec', join(ws.dir, 'plan.yaml')], { cwd: ws.dir });
    expect(r.stderr).toBe('');
    expect(trail(ws)).toBe('stop api\nstart api hello stopped\n');
  });

  it('positions an error inside the fragment in the fragment, and says so at the include', async () => {
    const ws = withFragment(
      restart
        .replace('{{params.greeting}}', '{{params.greting}}')
        .replace('kind: shell\n    run: echo stop', 'kind: shel\n    run: echo stop'),
    );
    const r = await runCli(['validate', ws.write('plan.yaml', plan('exit 0'))], { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fragments/restart.yaml:6:11: error RB205 unknown step kind "shel" in step "stop" [unknown-kind]');
    expect(r.stderr).toContain(
      `plan.yaml:6:14: error RB405 included file "fragments/restart.yaml" is not a valid fragment (see the findings in ${ws.dir}/fragments/restart.yaml) [include-invalid]`,
    );
    const refs = withFragment(restart.replace('{{params.greeting}}', '{{params.greting}}'));
    const bad = await runCli(['validate', refs.write('plan.yaml', plan('exit 0'))], { cwd: refs.dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'fragments/restart.yaml:12:40: error RB301 "params.greting" refers to param "greting", which the fragment does not declare under params [undeclared-var]',
    );
    expect(bad.stderr).toContain('hint: did you mean "greeting"?');
  });

  it('checks the with: values as templates of the including plan', async () => {
    const ws = withFragment();
    const r = await runCli(['validate', ws.write('plan.yaml', plan('exit 0').replace('"{{vars.svc}}"', '"{{vars.svcs}}"'))], {
      cwd: ws.dir,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'plan.yaml:8:23: error RB301 "vars.svcs" refers to var "svcs", which is not declared under vars [undeclared-var]',
    );
  });

  it('a missing or unknown param and a cycle are plan errors at the include', async () => {
    const ws = withFragment();
    const r = await runCli(
      ['validate', ws.write('plan.yaml', plan('exit 0').replace('with: { service: "{{vars.svc}}" }', 'with: { sevice: x }'))],
      { cwd: ws.dir },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'plan.yaml:6:14: error RB201 include of "fragments/restart.yaml" does not give param "service" (the service to restart), which has no default [missing-field]',
    );
    expect(r.stderr).toContain('plan.yaml:8:11: error RB202 "fragments/restart.yaml" has no param "sevice" [unknown-key]');
    const loop = withFragment(`steps:\n  - include: again.yaml\n    id: again\n`);
    loop.write('fragments/again.yaml', 'steps:\n  - include: restart.yaml\n    id: back\n');
    const cyc = await runCli(['validate', loop.write('plan.yaml', plan('exit 0'))], { cwd: loop.dir });
    expect(cyc.code).toBe(2);
    expect(cyc.stderr).toMatch(
      /fragments\/again\.yaml:2:14: error RB404 include of "restart\.yaml" makes a cycle: .*plan\.yaml → .*fragments\/restart\.yaml → .*fragments\/again\.yaml → .*fragments\/restart\.yaml \[include-cycle\]/,
    );
  });

  /** A fragment that includes restart.yaml, reading its own param and its own earlier step in the with: values. */
  const outer = (value = '"{{params.service}}-{{steps.prep.outputs.out}}"') => `params:
  service: { description: the service }
steps:
  - id: prep
    kind: shell
    run: echo prepared
    outputs:
      out: { regex: "^(prepared)$" }
  - include: restart.yaml
    id: inner
    with: { service: ${value} }
`;
  const nestedPlan = 'version: 1\nname: nested\nsteps:\n  - include: fragments/outer.yaml\n    id: api\n    with: { service: api }\n';

  it("a fragment included from a fragment reads its own steps by their own ids, and its with: values read the including fragment's params and steps", async () => {
    const ws = withFragment(
      restart.replace('{{params.greeting}} >> trail.txt', '{{params.greeting}} {{steps.stop.outputs.out}} >> trail.txt'),
    );
    ws.write('fragments/outer.yaml', outer());
    const r = await runCli(['exec', ws.write('plan.yaml', nestedPlan)], { cwd: ws.dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(trail(ws)).toBe('stop api-prepared\nstart api-prepared hello stopped\n');
    expect(
      ws
        .lastJournal()
        .filter((e) => e.type === 'step-end')
        .map((e) => (e.type === 'step-end' ? e.step : '')),
    ).toEqual(['api-prep', 'api-inner-stop', 'api-inner-start']);
  });

  it("checks a nested include's with: values as templates of the fragment that includes it, before anything runs", async () => {
    const ws = withFragment();
    ws.write('fragments/outer.yaml', outer('"{{params.servce}}-{{steps.prepp.outputs.out}}-{{vars.svc}}"'));
    const r = await runCli(['exec', ws.write('plan.yaml', nestedPlan)], { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'fragments/outer.yaml:11:23: error RB301 "params.servce" refers to param "servce", which the fragment does not declare under params [undeclared-var]',
    );
    expect(r.stderr).toContain(
      'fragments/outer.yaml:11:41: error RB302 "steps.prepp.outputs.out" refers to step "prepp", which does not exist',
    );
    expect(r.stderr).toContain('hint: did you mean "prep"?');
    expect(r.stderr).toContain('fragments/outer.yaml:11:69: error RB301 "vars.svc" refers to var "svc", which is not declared under vars');
    expect(existsSync(join(ws.dir, 'trail.txt'))).toBe(false);
  });
});
