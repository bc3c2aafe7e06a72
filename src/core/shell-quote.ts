const safe = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes a value as exactly one POSIX shell word; leaves plainly safe words bare for readability. */
export function shellQuote(value: string): string {
  if (value !== '' && safe.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
