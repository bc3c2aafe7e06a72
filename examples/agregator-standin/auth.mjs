// Password checks compatible with Werkzeug, and a signed session cookie like Flask's.
import { createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/** Checks a password against a Werkzeug hash `pbkdf2:sha256:<iterations>$<salt>$<hex>`. */
export function verifyPassword(stored, password) {
  const match = /^pbkdf2:(sha256|sha512):(\d+)\$([^$]*)\$([0-9a-f]+)$/.exec(stored ?? '');
  if (!match || typeof password !== 'string') return false;
  const [, digest, iterations, salt, expected] = match;
  const actual = pbkdf2Sync(password, salt, Number(iterations), expected.length / 2, digest);
  return timingSafeEqual(actual, Buffer.from(expected, 'hex'));
}

/** Signs and reads the `session` cookie; without SECRET_KEY a random key is used and sessions end with the process. */
export function sessionCookies(secretKey = randomBytes(32).toString('hex')) {
  const sign = (payload) => createHmac('sha256', secretKey).update(payload).digest('base64url');
  return {
    issue(userId) {
      const payload = Buffer.from(JSON.stringify({ uid: userId })).toString('base64url');
      return `session=${payload}.${sign(payload)}; HttpOnly; Path=/; SameSite=Lax`;
    },
    clear: () => 'session=; HttpOnly; Path=/; SameSite=Lax; Max-Age=0',
    /** The user id in a request's valid session cookie, or undefined. */
    userId(cookieHeader = '') {
      const value = /(?:^|;\s*)session=([^;]*)/.exec(cookieHeader)?.[1] ?? '';
      const [payload, signature] = value.split('.');
      if (!payload || !signature || signature.length !== sign(payload).length) return undefined;
      if (!timingSafeEqual(Buffer.from(signature), Buffer.from(sign(payload)))) return undefined;
      return JSON.parse(Buffer.from(payload, 'base64url').toString()).uid;
    },
  };
}
