import { createHash } from 'node:crypto';
/**
 * Line-wise editing of dotenv files that leaves every line it does not touch byte-for-byte as it
 * was. Text is handled as latin1 (one char per byte), so any bytes, even invalid UTF-8, survive;
 * only keys and quotes, which are ASCII, are looked at.
 */

/** One logical entry of the file: an assignment (maybe spanning lines) or any other line. */
interface Entry {
  /** The entry's bytes as latin1 text, line terminators included. */
  readonly text: string;
  readonly key?: string;
  /** `export KEY=` or `KEY = `: everything before the value, kept when the value is replaced. */
  readonly lead?: string;
  /** The value as written, quotes included. */
  readonly rawValue?: string;
  /** What follows the value on its last line (` # comment`), kept when the value is replaced. */
  readonly trail?: string;
  /** The entry's final line terminator: '\n', '\r\n' or '' at the end of the file. */
  readonly eol?: string;
}

const ASSIGNMENT = /^(\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=[ \t]*)(.*)$/s;

function physicalLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function splitEol(line: string): [string, string] {
  if (line.endsWith('\r\n')) return [line.slice(0, -2), '\r\n'];
  if (line.endsWith('\n')) return [line.slice(0, -1), '\n'];
  return [line, ''];
}

/** Index just past the closing quote of a value starting with a quote, or -1 when it does not close. */
function closingQuote(body: string): number {
  const quote = body[0];
  for (let i = 1; i < body.length; i++) {
    if (body[i] === '\\' && quote !== '`') i++;
    else if (body[i] === quote) return i + 1;
  }
  return -1;
}

/** Splits a value text into the value and a trailing ` # comment`. */
function splitValue(body: string): { rawValue: string; trail: string } {
  const q = body[0];
  if (q === '"' || q === "'" || q === '`') {
    const end = closingQuote(body);
    return { rawValue: body.slice(0, end), trail: body.slice(end) };
  }
  const comment = body.search(/\s#/);
  return comment < 0 ? { rawValue: body, trail: '' } : { rawValue: body.slice(0, comment), trail: body.slice(comment) };
}

/** Groups the file's lines into entries; a quoted value that spans lines is one entry. */
function entries(text: string): Entry[] {
  const lines = physicalLines(text);
  const out: Entry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const [content, eol] = splitEol(line);
    const m = ASSIGNMENT.exec(content);
    if (!m) {
      out.push({ text: line });
      continue;
    }
    const [, lead = '', key = '', first = ''] = m;
    let body = first;
    let taken = line;
    let lastEol = eol;
    let j = i;
    const opensQuote = /^["'`]/.test(body);
    // A quoted value may run over several lines; an unclosed quote is left a one-line entry.
    while (opensQuote && closingQuote(body) < 0 && j + 1 < lines.length) {
      const [nextContent, nextEol] = splitEol(lines[j + 1] as string);
      const joined = `${body}${lastEol}${nextContent}`;
      j++;
      body = joined;
      taken += lines[j] as string;
      lastEol = nextEol;
    }
    if (opensQuote && closingQuote(body) < 0) {
      out.push({ text: line, key, lead, rawValue: first, trail: '', eol });
      continue;
    }
    i = j;
    out.push({ text: taken, key, lead, ...splitValue(body), eol: lastEol });
  }
  return out;
}

/** Reads a written value back: quotes removed, escapes of double quotes resolved, comments gone. */
function decodeValue(raw: string): string {
  const q = raw[0];
  if (q === "'" || q === '`') return raw.slice(1, -1);
  if (q === '"') {
    return raw.slice(1, -1).replace(/\\(.)/gs, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
  }
  return raw.trim();
}

const PLAIN = /^[A-Za-z0-9_\-./:@%+,=~^]*$/;

/**
 * Writes a value the way dotenv readers (python-dotenv, dotenv, docker compose, sh) agree on:
 * bare when it is plain, single quotes when it holds `$` or `\` (so nothing expands it),
 * otherwise double quotes with \\, \", \n and \r escaped.
 */
export function quoteDotenvValue(value: string): string {
  if (PLAIN.test(value)) return value;
  if (/[$\\]/.test(value) && !/['\n\r]/.test(value)) return `'${value}'`;
  return `"${value.replace(/[\\"\n\r]/g, (c) => ({ '\n': '\\n', '\r': '\\r' })[c] ?? `\\${c}`)}"`;
}

function latin1(utf8Text: string): string {
  return Buffer.from(utf8Text, 'utf8').toString('latin1');
}

/** The values a dotenv file assigns, the last assignment of a key winning as in a shell. */
export function dotenvValues(bytes: Buffer): Map<string, string> {
  const values = new Map<string, string>();
  for (const e of entries(bytes.toString('latin1'))) {
    if (e.key !== undefined && e.rawValue !== undefined) values.set(e.key, Buffer.from(decodeValue(e.rawValue), 'latin1').toString('utf8'));
  }
  return values;
}

/**
 * Sets and removes keys: every assignment of a set key gets the new value (keeping `export`,
 * spacing and a trailing comment), every assignment of an unset key goes, keys not yet in the
 * file are appended in the order given. All other bytes stay as they were.
 */
export function editDotenv(bytes: Buffer, set: Readonly<Record<string, string>>, unset: readonly string[]): Buffer {
  const text = bytes.toString('latin1');
  // New lines follow the file's first line ending, so a CRLF file stays CRLF.
  const firstNewline = text.indexOf('\n');
  const eolStyle = firstNewline > 0 && text[firstNewline - 1] === '\r' ? '\r\n' : '\n';
  const seen = new Set<string>();
  let out = '';
  for (const e of entries(text)) {
    if (e.key === undefined || !(e.key in set || unset.includes(e.key))) {
      out += e.text;
    } else if (e.key in set) {
      seen.add(e.key);
      out += `${e.lead ?? ''}${latin1(quoteDotenvValue(set[e.key] ?? ''))}${e.trail ?? ''}${e.eol ?? ''}`;
    }
  }
  const added = Object.keys(set).filter((k) => !seen.has(k));
  if (added.length > 0 && out !== '' && !out.endsWith('\n')) out += eolStyle;
  for (const k of added) out += `${k}=${latin1(quoteDotenvValue(set[k] ?? ''))}${eolStyle}`;
  return Buffer.from(out, 'latin1');
}

/** One sha256 per key of its value: enough to tell later which keys changed, without keeping any value. */
export function valueHashes(bytes: Buffer): Record<string, string> {
  return Object.fromEntries([...dotenvValues(bytes)].map(([k, v]) => [k, createHash('sha256').update(v).digest('hex')]));
}

/** Keys whose value differs between two sets of value hashes (added and removed keys included). */
export function changedKeys(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => before[k] !== after[k]).sort();
}
