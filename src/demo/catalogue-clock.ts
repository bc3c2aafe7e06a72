import type { Random } from './random.js';

const start = Date.UTC(2021, 0, 1);
const end = Date.UTC(2025, 0, 1);

/** A UTC moment as SQLAlchemy stores a DateTime on SQLite: `YYYY-MM-DD HH:MM:SS.ffffff`. */
export function sqlDateTime(epochMs: number, micros = 0): string {
  const iso = new Date(epochMs).toISOString(); // 2024-05-01T10:20:30.123Z
  const fraction = String(Math.floor(epochMs % 1000) * 1000 + micros).padStart(6, '0');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${fraction}`;
}

/** Random moments in 2021–2024, derived only from the seed so the catalogue is reproducible. */
export function demoClock(random: Random): { at(): number; format(epochMs: number): string } {
  return {
    at: () => start + Math.floor(random.next() * (end - start)),
    format: (epochMs) => sqlDateTime(epochMs, random.int(0, 999)),
  };
}
