import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { BackupSharingEventDispatcher } from 'nestjs-backup-sharing';
import request from 'supertest';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { FOREIGN_BACKUP, FOREIGN_OWNER, FOREIGN_RECIPIENT, SharingAudit, foreignAppModule } from './foreign-app.module';

const BASE = `/block-storage/v2/${FOREIGN_OWNER}/os-vendor-backup-sharing`;

describe.each(['express', 'fastify'] as const)('a foreign NestJS host on %s, with the packed module', (adapter) => {
  let app: INestApplication;
  let database: TestDatabase;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    database = await createTestDatabase();
    const module = foreignAppModule(database.url);
    app =
      adapter === 'fastify'
        ? await NestFactory.create(module, new FastifyAdapter(), { logger: false })
        : await NestFactory.create(module, { logger: false });
    await app.listen(0, '127.0.0.1');
    http = request((await app.getUrl()).replace('[::1]', '127.0.0.1'));
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('shares, gets, lists and cancels under its own prefix, and reports each change', async () => {
    const shared = await http
      .post(BASE)
      .set('X-Auth-Token', 'session-owner')
      .send({ shared: { backup_id: FOREIGN_BACKUP, to_project_ids: [FOREIGN_RECIPIENT] } });
    expect(shared.status).toBe(200);
    expect(shared.headers['x-openstack-request-id']).toMatch(/^req-[0-9a-f-]{36}$/);
    const sharingId: string = shared.body.shared[0].id;

    const got = await http.get(`${BASE}/${sharingId}`).set('X-Auth-Token', 'session-owner');
    expect(got.status).toBe(200);
    expect(got.body.shared).toMatchObject({ id: sharingId, backup: { id: FOREIGN_BACKUP, name: 'erp-db', size: 20 } });

    const received = await http
      .get(`/block-storage/v2/${FOREIGN_RECIPIENT}/os-vendor-backup-sharing/detail?share_to_me=true&limit=1`)
      .set('X-Auth-Token', 'session-recipient');
    expect(received.status).toBe(200);
    expect(received.body.shared.map((s: { id: string }) => s.id)).toEqual([sharingId]);
    // The next-page link keeps the host's prefix.
    expect(received.body.shared_links[0].href).toContain(`/block-storage/v2/${FOREIGN_RECIPIENT}/os-vendor-backup-sharing/detail?`);

    const canceled = await http.delete(`${BASE}/${sharingId}`).set('X-Auth-Token', 'session-owner');
    expect(canceled.status).toBe(200);
    expect(canceled.text).toBe('');
    const gone = await http.get(`${BASE}/${sharingId}`).set('X-Auth-Token', 'session-owner');
    expect(gone.status).toBe(404);
    expect(gone.body.itemNotFound.error_code).toBe('BackupSharing.ShareNotFound');

    await app.get(BackupSharingEventDispatcher).flush();
    const seen = app.get(SharingAudit).seen.filter((event) => event.sharingId === sharingId);
    expect(seen.map((event) => event.type)).toEqual(['backup_sharing.created', 'backup_sharing.canceled']);
    expect(seen[0].requestId).toBe(shared.headers['x-openstack-request-id']);
  });

  it("answers the module's errors in the fault shape beside the host's own global filter", async () => {
    const unauthenticated = await http.get(`${BASE}/detail`);
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.body.unauthorized.code).toBe(401);

    const foreignProject = await http.get(`${BASE}/detail`).set('X-Auth-Token', 'session-recipient');
    expect(foreignProject.status).toBe(403);
    expect(foreignProject.body.forbidden.error_code).toBe('BackupSharing.Forbidden');

    const invalid = await http.post(BASE).set('X-Auth-Token', 'session-owner').send({ shared: { backup_id: 'x' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.badRequest.message).toMatch(/backup_id/);

    const own = await http.get('/block-storage/status/broken');
    expect(own.status).toBe(418);
    expect(own.body).toEqual({ error: { status: 418, team: 'storage' } });
  });
});
