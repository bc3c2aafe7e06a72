import { describe, expect, it } from 'vitest';
import { parseUndoToken as envSwitchToken } from '../../../src/steps/env-switch/undo-token.js';
import { parseUndoToken as backupToken } from '../../../src/steps/sqlite-backup/undo-token.js';

describe('undo tokens read back from the journal', () => {
  it('come back as journaled when every field has its type, null only where allowed', () => {
    const env = { file: '/w/.env', backup: null, switched: 'h', sha256_before: null, sha256_after: 'a', existed: false, mode: 0o600 };
    expect(envSwitchToken(env)).toEqual(env);
    const backup = { source: '/w/c.db', backup: '/w/b.db', source_sha256: 's', backup_sha256: 'b', mode: 0o644 };
    expect(backupToken(backup)).toEqual(backup);
  });

  it('of another shape throw, naming the kind', () => {
    expect(() =>
      envSwitchToken({ file: '/w/.env', backup: null, switched: 'h', sha256_before: null, sha256_after: null, existed: false, mode: 384 }),
    ).toThrow(
      'env-switch undo token has an unexpected shape: {"file":"/w/.env","backup":null,"switched":"h","sha256_before":null,"sha256_after":null,"existed":false,"mode":384}',
    );
    expect(() => backupToken(['x'])).toThrow('sqlite-backup undo token has an unexpected shape: ["x"]');
    expect(() => backupToken(null)).toThrow('sqlite-backup undo token has an unexpected shape: null');
  });
});
