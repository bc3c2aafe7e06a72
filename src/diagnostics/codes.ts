/**
 * The code table: ranges by area, so a code tells where a finding comes from.
 * RB1xx loading YAML · RB2xx schema · RB3xx references and templates · RB4xx plan semantics ·
 * RB5xx values given on the command line · RB6xx plug-ins.
 */
export const codes = {
  'file-unreadable': 'RB100',
  'yaml-syntax': 'RB101',
  'duplicate-key': 'RB102',
  'tab-indent': 'RB103',
  'unknown-alias': 'RB104',
  'multi-document': 'RB105',
  'not-a-plan': 'RB106',
  'plan-too-big': 'RB107',
  'too-many-steps': 'RB108',
  'too-deep': 'RB109',
  'alias-bomb': 'RB110',
  'missing-field': 'RB201',
  'unknown-key': 'RB202',
  'wrong-type': 'RB203',
  'bad-value': 'RB204',
  'unknown-kind': 'RB205',
  'undeclared-var': 'RB301',
  'unknown-step': 'RB302',
  'later-step-output': 'RB303',
  'unknown-output': 'RB304',
  'unknown-helper': 'RB305',
  'template-syntax': 'RB306',
  'unknown-connection': 'RB307',
  'unknown-reference': 'RB308',
  'shell-value-context': 'RB309',
  'shell-raw': 'RB310',
  'duplicate-step-id': 'RB401',
  'bad-when': 'RB402',
  'bad-loop': 'RB403',
  'include-cycle': 'RB404',
  'include-invalid': 'RB405',
  'bad-pattern': 'RB406',
  'plugin-load': 'RB601',
  'plugin-contract': 'RB602',
  'var-missing': 'RB501',
  'var-invalid': 'RB502',
  'var-unknown': 'RB503',
  'vars-file': 'RB504',
  'var-fallback-env': 'RB505',
} as const;

/** A rule name from the table above. */
export type RuleName = keyof typeof codes;
