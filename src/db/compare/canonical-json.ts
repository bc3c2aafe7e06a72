/**
 * JSON in one canonical text: object keys sorted at every depth (the last of a repeated key wins,
 * as jsonb keeps it), no insignificant space, strings escaped one way, and each number as the
 * exact decimal it writes. Numbers never pass through a double: 2^53 + 1, 1e400 and a 20th
 * decimal digit stay what they are, so a transfer that rounded them is seen.
 */
import { canonicalDecimal } from './canonical-decimal.js';

const TOKEN = /\s*(?:([{}[\],:])|("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|(true|false|null))/y;

/** The canonical text of valid JSON `text` (check it with JSON.parse first). */
function canonicalOfValid(text: string): string {
  let at = 0;
  const next = (): RegExpExecArray => {
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) throw new Error(`unexpected JSON at ${at}`);
    at = TOKEN.lastIndex;
    return m;
  };
  const value = (m: RegExpExecArray): string => {
    if (m[2] !== undefined) return JSON.stringify(JSON.parse(m[2]));
    if (m[3] !== undefined) return canonicalDecimal(m[3]);
    if (m[4] !== undefined) return m[4];
    const items: string[] = [];
    const members = new Map<string, string>();
    for (let t = next(); t[1] !== '}' && t[1] !== ']'; t = next()) {
      if (t[1] === ',') continue;
      if (m[1] === '[') {
        items.push(value(t));
      } else {
        next(); // the colon
        members.set(JSON.parse(t[2] as string) as string, value(next()));
      }
    }
    if (m[1] === '[') return `[${items.join(',')}]`;
    return `{${[...members.keys()]
      .sort()
      .map((k) => `${JSON.stringify(k)}:${members.get(k) as string}`)
      .join(',')}}`;
  };
  return value(next());
}

/** JSON with object keys sorted and no insignificant space, so key order never matters; undefined when it is not JSON. */
export function canonicalJson(text: string): string | undefined {
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  return canonicalOfValid(text);
}
