const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Formats a date with the tokens yyyy MM dd HH mm ss SSS (local time unless `utc`). */
export function formatDate(date: Date, pattern: string, utc = false): string {
  const parts: Record<string, string> = utc
    ? {
        yyyy: pad(date.getUTCFullYear(), 4),
        MM: pad(date.getUTCMonth() + 1),
        dd: pad(date.getUTCDate()),
        HH: pad(date.getUTCHours()),
        mm: pad(date.getUTCMinutes()),
        ss: pad(date.getUTCSeconds()),
        SSS: pad(date.getUTCMilliseconds(), 3),
      }
    : {
        yyyy: pad(date.getFullYear(), 4),
        MM: pad(date.getMonth() + 1),
        dd: pad(date.getDate()),
        HH: pad(date.getHours()),
        mm: pad(date.getMinutes()),
        ss: pad(date.getSeconds()),
        SSS: pad(date.getMilliseconds(), 3),
      };
  return pattern.replace(/yyyy|MM|dd|HH|mm|ss|SSS/g, (t) => parts[t]!);
}
