import { RouteCase } from './route-case';

describe('RouteCase', () => {
  const routes = new RouteCase();
  routes.add(['GET', 'POST'], '/v2/:project_id/backups');
  routes.add('GET', '/v2/:project_id/backups/detail');
  routes.add(['GET', 'DELETE'], '/v2/:project_id/backups/:id');
  routes.add('GET', '/docs/*');
  routes.add('GET', '/health');
  const rewrite = (url: string, method = 'GET') => routes.rewrite(method, url);

  it('spells static segments as registered and keeps parameters as sent', () => {
    expect(rewrite('/V2/ABC/BACKUPS/Detail')).toBe('/v2/ABC/backups/detail');
    expect(rewrite('/v2/ABC/Backups/ID-X/?Limit=A')).toBe('/v2/ABC/backups/ID-X/?Limit=A');
    expect(rewrite('/DOCS/Swagger-UI.css')).toBe('/docs/Swagger-UI.css');
    expect(rewrite('/HEALTH')).toBe('/health');
    expect(rewrite('//V2/ABC//BACKUPS///')).toBe('//v2/ABC//backups///');
    // The path ends at a fragment as at a query, as both adapters' routers read it.
    expect(rewrite('/v2/ABC/Backups/DETAIL/#')).toBe('/v2/ABC/backups/detail/#');
    expect(rewrite('/v2/ABC/Backups#x?Y')).toBe('/v2/ABC/backups#x?Y');
  });

  it('leaves a parameter whose lower case is longer alone (U+0130) and folds ASCII letters only', () => {
    expect(rewrite('/V2/%C4%B0/BACKUPS')).toBe('/v2/%C4%B0/backups');
    expect(rewrite('/v2/p/BAC%E2%84%AAUPS')).toBe('/v2/p/BAC%E2%84%AAUPS');
  });

  it("spells a path by its method's routes first, by any route's only where none of them matches", () => {
    // DELETE has no `detail` route: `Detail` is a backup ID there, as on Express.
    expect(rewrite('/V2/ABC/BACKUPS/Detail', 'DELETE')).toBe('/v2/ABC/backups/Detail');
    expect(rewrite('/V2/ABC/BACKUPS/Detail', 'HEAD')).toBe('/v2/ABC/backups/detail');
    // No PUT route: spelled so that the 405 check knows the path.
    expect(rewrite('/V2/ABC/BACKUPS', 'PUT')).toBe('/v2/ABC/backups');
  });

  it('leaves a path no route matches, and one in lower case, as it is', () => {
    expect(rewrite('/V2/ABC/VOLUMES')).toBe('/V2/ABC/VOLUMES');
    expect(rewrite('/v2/abc/backups?X=Y')).toBe('/v2/abc/backups?X=Y');
  });
});
