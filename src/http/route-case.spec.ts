import { RouteCase } from './route-case';

describe('RouteCase', () => {
  const routes = new RouteCase();
  for (const path of ['/v2/:project_id/backups', '/v2/:project_id/backups/detail', '/v2/:project_id/backups/:id', '/docs/*', '/health']) routes.add(path);

  it('spells static segments as registered and keeps parameters as sent', () => {
    expect(routes.rewrite('/V2/ABC/BACKUPS/Detail')).toBe('/v2/ABC/backups/detail');
    expect(routes.rewrite('/v2/ABC/Backups/ID-X/?Limit=A')).toBe('/v2/ABC/backups/ID-X/?Limit=A');
    expect(routes.rewrite('/DOCS/Swagger-UI.css')).toBe('/docs/Swagger-UI.css');
    expect(routes.rewrite('/HEALTH')).toBe('/health');
    expect(routes.rewrite('//V2/ABC//BACKUPS///')).toBe('//v2/ABC//backups///');
  });

  it('leaves a parameter whose lower case is longer alone (U+0130) and folds ASCII letters only', () => {
    expect(routes.rewrite('/V2/%C4%B0/BACKUPS')).toBe('/v2/%C4%B0/backups');
    expect(routes.rewrite('/v2/p/BAC%E2%84%AAUPS')).toBe('/v2/p/BAC%E2%84%AAUPS');
  });

  it('leaves a path no route matches, and one in lower case, as it is', () => {
    expect(routes.rewrite('/V2/ABC/VOLUMES')).toBe('/V2/ABC/VOLUMES');
    expect(routes.rewrite('/v2/abc/backups?X=Y')).toBe('/v2/abc/backups?X=Y');
  });
});
