/** Now in UTC as SQLAlchemy writes `datetime.utcnow()`: `YYYY-MM-DD HH:MM:SS.ffffff`. */
export function utcNow() {
  const iso = new Date().toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}
