// Password checks compatible with Werkzeug, and a signed session cookie like Flask's.
import { createHmac, pbkdf2Sync, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * Checks a password against a Werkzeug hash: `pbkdf2:sha256:<iterations>$<salt>$<hex>`, or
 * `scrypt:<n>:<r>:<p>$<salt>$<hex>` (what Werkzeug 3's generate_password_hash writes by default).
 */
export function verifyPassword(stored, password) {
  if (typeof password !== 'string' || password === '') return false; // User.check_password
  const pbkdf2 = /^pbkdf2:(sha256|sha512):(\d+)\$([^$]*)\$([0-9a-f]+)$/.exec(stored ?? '');
  if (pbkdf2) {
    const [, digest, iterations, salt, expected] = pbkdf2;
    return same(pbkdf2Sync(password, salt, Number(iterations), expected.length / 2, digest), expected);
  }
  const scrypt = /^scrypt:(\d+):(\d+):(\d+)\$([^$]*)\$([0-9a-f]+)$/.exec(stored ?? '');
  if (scrypt) {
    const [, n, r, p, salt, expected] = scrypt;
    const [N, R, P] = [Number(n), Number(r), Number(p)];
    return same(scryptSync(password, salt, expected.length / 2, { N, r: R, p: P, maxmem: 256 * N * R + 1024 * 1024 }), expected);
  }
  return false;
}

const same = (actual, expectedHex) => timingSafeEqual(actual, Buffer.from(expectedHex, 'hex'));

/** A new Werkzeug-format hash (User.set_password strips the password first). */
export function hashPassword(password) {
  const salt = randomBytes(8).toString('hex');
  const iterations = 20_000;
  return `pbkdf2:sha256:${iterations}$${salt}$${pbkdf2Sync(password.trim(), salt, iterations, 32, 'sha256').toString('hex')}`;
}

/** Signs and reads the `session` cookie with FLASK_SECRET_KEY, so sessions outlive a restart with the same key. */
export function sessionCookies(secretKey) {
  const sign = (payload) => createHmac('sha256', secretKey).update(payload).digest('base64url');
  return {
    issue(userId) {
      const payload = Buffer.from(JSON.stringify({ user_id: userId })).toString('base64url');
      return `session=${payload}.${sign(payload)}; HttpOnly; Path=/; SameSite=Lax`;
    },
    clear: () => 'session=; HttpOnly; Path=/; SameSite=Lax; Max-Age=0',
    /** The user id in a request's valid session cookie, or undefined. */
    userId(cookieHeader = '') {
      const value = /(?:^|;\s*)session=([^;]*)/.exec(cookieHeader)?.[1] ?? '';
      const [payload, signature] = value.split('.');
      if (!payload || !signature || signature.length !== sign(payload).length) return undefined;
      if (!timingSafeEqual(Buffer.from(signature), Buffer.from(sign(payload)))) return undefined;
      return JSON.parse(Buffer.from(payload, 'base64url').toString()).user_id;
    },
  };
}
