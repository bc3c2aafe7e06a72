import { pbkdf2Sync } from 'node:crypto';

/**
 * A password hash in Werkzeug's `generate_password_hash` format, which the Agregator app
 * checks with `check_password_hash`: `pbkdf2:sha256:<iterations>$<salt>$<hex digest>`, the
 * digest being PBKDF2-HMAC-SHA256 of the UTF-8 password with the salt's UTF-8 bytes.
 * The demo uses fewer iterations than Werkzeug's default so that generating stays fast.
 */
export function werkzeugPasswordHash(password: string, salt: string, iterations = 20_000): string {
  const digest = pbkdf2Sync(password, salt, iterations, 32, 'sha256').toString('hex');
  return `pbkdf2:sha256:${iterations}$${salt}$${digest}`;
}
