import { shellQuote } from './shell-quote.js';

const urlPassword = /([a-z][a-z0-9+.-]*:\/\/[^:/@\s'"]*:)([^@\s'"]+)@/gi;
const shortest = 3;

/**
 * Replaces secret values (and every password written into a URL) with ****. It also knows the
 * shell-quoted and URL-encoded spellings of each secret, so a secret stays hidden however a
 * template or a command printed it.
 */
export class Masker {
  private forms: string[] = [];

  constructor(secrets: Iterable<string> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Adds a secret value (ignored when too short to mask without hiding ordinary text). */
  add(secret: string): void {
    if (secret.length < shortest) return;
    const forms = new Set([secret, shellQuote(secret), encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
    for (const f of forms) if (f.length >= shortest && !this.forms.includes(f)) this.forms.push(f);
    this.forms.sort((a, b) => b.length - a.length);
  }

  /** Adds the password of every URL in a text, so it stays hidden even where it appears alone. */
  addUrlPasswords(text: string): void {
    for (const m of text.matchAll(/[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@\s]+)@/gi)) {
      this.add(m[1]!);
      try {
        this.add(decodeURIComponent(m[1]!));
      } catch {
        // Not percent-encoded; the raw form is already added.
      }
    }
  }

  /** The text with every secret replaced. */
  mask(text: string): string {
    let out = text.replace(urlPassword, '$1****@');
    for (const f of this.forms) if (out.includes(f)) out = out.split(f).join('****');
    return out;
  }

  /** Masks every string inside a JSON-like value. */
  maskDeep<T>(value: T): T {
    if (typeof value === 'string') return this.mask(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.maskDeep(v)) as T;
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.maskDeep(v)])) as T;
    return value;
  }
}
