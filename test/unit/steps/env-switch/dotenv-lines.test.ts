import { describe, expect, it } from 'vitest';
import { changedKeys, valueHashes, dotenvValues, editDotenv, quoteDotenvValue } from '../../../../src/steps/env-switch/dotenv-lines.js';

const edit = (text: string, set: Record<string, string>, unset: string[] = []) => editDotenv(Buffer.from(text), set, unset).toString();

describe('dotenv lines', () => {
  it('reads back every value it writes', () => {
    const values = [
      'plain',
      '',
      'two words',
      'a#b',
      'say "hi"',
      'l1\nl2\r\n',
      'pa$$word',
      'back\\slash',
      "it's $5",
      'ünïcode ✓',
      "'",
      'x = y',
    ];
    const set = Object.fromEntries(values.map((v, i) => [`K${i}`, v]));
    expect(Object.fromEntries(dotenvValues(editDotenv(Buffer.alloc(0), set, [])))).toEqual(set);
  });

  it('chooses bare, single or double quotes', () => {
    expect(quoteDotenvValue('postgresql://u:p@h:5432/db')).toBe('postgresql://u:p@h:5432/db');
    expect(quoteDotenvValue('postgresql://h/db?sslmode=require&x=1')).toBe('"postgresql://h/db?sslmode=require&x=1"');
    expect(quoteDotenvValue('C:\\dir')).toBe("'C:\\dir'");
    expect(quoteDotenvValue('a\\b\nc')).toBe('"a\\\\b\\nc"');
  });

  it('replaces a quoted value that spans lines as one entry, with its trailing comment kept', () => {
    expect(edit('A="one\ntwo" # keep\nB=2\n', { A: 'x' })).toBe('A=x # keep\nB=2\n');
    expect(edit("A='one\ntwo'\nB=2\n", {}, ['A'])).toBe('B=2\n');
  });

  it('leaves an unclosed quote and the lines after it alone', () => {
    expect(edit('A="open\nB=2\n', { B: '3' })).toBe('A="open\nB=3\n');
  });

  it('changes every assignment of a duplicated key and removes every one on unset', () => {
    expect(edit('A=1\nA=2\nB=1\n', { A: '9' })).toBe('A=9\nA=9\nB=1\n');
    expect(edit('A=1\nB=1\nA=2\n', {}, ['A'])).toBe('B=1\n');
  });

  it('appends after a last line without a newline, and to an empty file', () => {
    expect(edit('A=1', { B: '2' })).toBe('A=1\nB=2\n');
    expect(edit('', { B: '2' })).toBe('B=2\n');
    expect(edit('A=1', { A: '2' })).toBe('A=2');
  });

  it('does not take a commented-out assignment for a key', () => {
    expect(edit('# A=1\nA=2\n', { A: '3' })).toBe('# A=1\nA=3\n');
  });

  it('lists the keys whose values differ between two versions', () => {
    expect(changedKeys(valueHashes(Buffer.from('A=1\nB=2\nC=3\n')), valueHashes(Buffer.from('# x\nA=1\nB="2"\nC=4\nD=5\n')))).toEqual([
      'C',
      'D',
    ]);
  });
});
