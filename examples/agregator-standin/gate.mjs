// Agregator's access gate (app.py _PUBLIC_PREFIXES, _PUBLIC_PATHS, _is_public_path, _access_gate).

const publicPrefixes = ['/static/', '/assets/', '/login-backgrounds/'];
const publicPaths = new Set(['/favicon.ico', '/api/auth/login', '/api/login-backgrounds']);

/** _is_public_path: the listed paths and prefixes, `/`, `/access…`, and GET `/app…` (the UI). */
export function isPublicPath(method, path) {
  if (publicPrefixes.some((p) => path.startsWith(p)) || publicPaths.has(path)) return true;
  if (path === '/' || path.startsWith('/access')) return true;
  return method === 'GET' && path.startsWith('/app');
}

/**
 * What the gate answers a request that is not public and has no session: 401 JSON for `/api/`
 * paths and XMLHttpRequests, else a 302 to the login page. Undefined when the request may pass.
 */
export function gate(method, path, headers, signedIn) {
  if (isPublicPath(method, path) || signedIn) return undefined;
  if (path.startsWith('/api/') || headers['x-requested-with'] === 'XMLHttpRequest')
    return { status: 401, body: { ok: false, error: 'Не авторизовано' } };
  return { status: 302, location: '/app/login' };
}
