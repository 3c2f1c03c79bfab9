import { BackupSharingController } from '../backup-sharing.controller';
import { allowedMethods, methodNotAllowedMiddleware, routerFoldsCase, routesOf } from './method-not-allowed.middleware';

const BASE = '/v2/c13f5220dc1949b0b741ea81a7cd5554/os-vendor-backup-sharing';

describe('the route table of BackupSharingController', () => {
  const routes = routesOf(BackupSharingController);

  it('is read from its decorators', () => {
    expect(routes.map((route) => `${route.method} /${route.segments.join('/')}`).sort()).toEqual(
      [
        'DELETE /v2/:project_id/os-vendor-backup-sharing',
        'DELETE /v2/:project_id/os-vendor-backup-sharing/:id',
        'GET /v2/:project_id/os-vendor-backup-sharing/:id',
        'GET /v2/:project_id/os-vendor-backup-sharing/count',
        'GET /v2/:project_id/os-vendor-backup-sharing/detail',
        'POST /v2/:project_id/os-vendor-backup-sharing',
      ].sort(),
    );
  });

  it.each([
    [BASE, ['DELETE', 'POST']],
    [`${BASE}/`, ['DELETE', 'POST']],
    [`${BASE}/8332443e-5c5b-4f2a-9c1e-0e4b1d2f3a4b`, ['DELETE', 'GET', 'HEAD']],
    [`${BASE}/detail`, ['DELETE', 'GET', 'HEAD']],
    [`/block-storage${BASE}/count`, ['DELETE', 'GET', 'HEAD']],
    [`${BASE}/a/b`, []],
    ['/v2/p/backups', []],
  ])('%s serves %p', (path, methods) => {
    expect(allowedMethods(routes, path)).toEqual(methods);
  });

  it('matches static segments whatever their ASCII case only where the router folds case', () => {
    const upper = '/V2/ABC/OS-Vendor-Backup-Sharing/COUNT';
    expect(allowedMethods(routes, upper, true)).toEqual(['DELETE', 'GET', 'HEAD']);
    expect(allowedMethods(routes, upper, false)).toEqual([]);
    // U+212A KELVIN SIGN is not a "k" to Express's router either.
    expect(allowedMethods(routes, '/v2/abc/os-vendor-bac\u212Aup-sharing', true)).toEqual([]);
  });

  it('reads the folding from an Express request, and from nothing else', () => {
    expect(routerFoldsCase({ app: { enabled: () => false } })).toBe(true);
    expect(routerFoldsCase({ app: { enabled: (setting) => setting === 'case sensitive routing' } })).toBe(false);
    expect(routerFoldsCase({})).toBe(false);
  });
});

describe('methodNotAllowedMiddleware', () => {
  const middleware = methodNotAllowedMiddleware(BackupSharingController);

  function run(method: string, url: string) {
    const headers: Record<string, string | number> = {};
    const response = {
      statusCode: 200,
      body: undefined as string | undefined,
      setHeader: (name: string, value: string | number) => (headers[name] = value),
      end: (body?: string) => (response.body = body),
    };
    let passed = false;
    middleware({ method, originalUrl: url }, response, () => (passed = true));
    return { passed, status: response.statusCode, headers, body: response.body && JSON.parse(response.body) };
  }

  it('answers 405 with Allow for a method the path does not serve', () => {
    const answer = run('PUT', `${BASE}/x?is_backup_id=true`);
    expect(answer.passed).toBe(false);
    expect(answer.status).toBe(405);
    expect(answer.headers.Allow).toBe('DELETE, GET, HEAD');
    expect(answer.headers['X-Openstack-Request-Id']).toMatch(/^req-/);
    expect(answer.body).toEqual({
      badMethod: { code: 405, message: expect.stringContaining('PUT'), error_code: 'BackupSharing.MethodNotAllowed' },
    });
  });

  it('passes served methods and unknown paths on', () => {
    expect(run('GET', `${BASE}/x`).passed).toBe(true);
    expect(run('HEAD', `${BASE}/detail`).passed).toBe(true);
    expect(run('PUT', `${BASE}/x/y`).passed).toBe(true);
  });
});
