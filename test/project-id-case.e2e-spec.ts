import { randomUUID } from 'node:crypto';
import { TestHost, startTestHost } from './support/test-host';

// Project IDs are compared byte for byte on every database: `abc` and `ABC` are two tenants.
describe('project IDs that differ only in case', () => {
  const lower = 'casetenant';
  const upper = 'CASETENANT';
  let host: TestHost;

  beforeAll(async () => {
    host = await startTestHost({
      AUTH_STATIC_TOKENS: JSON.stringify({
        lower: { project_id: lower, roles: ['member'] },
        upper: { project_id: upper, roles: ['member'] },
      }),
    });
  });
  afterAll(() => host.close());

  it('are different projects for sharing, listing and reading backups', async () => {
    const created = await host.http
      .post(`/v2/${lower}/backups`)
      .set('X-Auth-Token', 'lower')
      .send({ backup: { volume_id: randomUUID(), name: 'mine' } });
    expect(created.status).toBe(202);
    const backupId = created.body.backup.id;

    const shared = await host.http
      .post(`/v2/${lower}/os-vendor-backup-sharing`)
      .set('X-Auth-Token', 'lower')
      .send({ shared: { backup_id: backupId, to_project_ids: ['partner'] } });
    expect(shared.status).toBe(200);

    // The upper-case project neither owns the backup nor sees the sharing.
    const foreignShare = await host.http
      .post(`/v2/${upper}/os-vendor-backup-sharing`)
      .set('X-Auth-Token', 'upper')
      .send({ shared: { backup_id: backupId, to_project_ids: ['partner2'] } });
    expect(foreignShare.status).toBe(404);
    const list = await host.http.get(`/v2/${upper}/os-vendor-backup-sharing/detail`).set('X-Auth-Token', 'upper');
    expect(list.body).toEqual({ shared: [] });
    const backup = await host.http.get(`/v2/${upper}/backups/${backupId}`).set('X-Auth-Token', 'upper');
    expect(backup.status).toBe(404);

    // Sharing with the upper-case spelling of the owner is sharing with another project.
    const withUpper = await host.http
      .post(`/v2/${lower}/os-vendor-backup-sharing`)
      .set('X-Auth-Token', 'lower')
      .send({ shared: { backup_id: backupId, to_project_ids: [upper] } });
    expect(withUpper.status).toBe(200);
    const received = await host.http.get(`/v2/${lower}/os-vendor-backup-sharing/detail?share_to_me=true`).set('X-Auth-Token', 'lower');
    expect(received.body).toEqual({ shared: [] });
  });
});
