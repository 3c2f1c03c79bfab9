// Every operation of the packed module in a foreign host, over real HTTP on Express and on
// Fastify, against MariaDB. The same file runs under Jest (NestJS 11, CommonJS) and vitest
// (NestJS 12, ES modules): it uses only the globals both give.
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import {
  BackupCatalog,
  BackupSharingEventDispatcher,
  backupSharingDocumentConfig,
  completeBackupSharingDocument,
  createBackupSharingDocument,
} from 'nestjs-backup-sharing';
import { InMemoryBackupCatalog } from 'nestjs-backup-sharing/testing';
import request from 'supertest';
import { FOREIGN_BACKUP, FOREIGN_OWNER, FOREIGN_RECIPIENT, SharingAudit, foreignAppModule } from '../src/foreign-app.module.js';
import { SharingDatabase, createSharingDatabase } from '../src/sharing-database.js';

const PREFIX = '/block-storage/v2';
const BASE = `${PREFIX}/${FOREIGN_OWNER}/os-vendor-backup-sharing`;
const RECEIVED = `${PREFIX}/${FOREIGN_RECIPIENT}/os-vendor-backup-sharing`;

describe.each(['express', 'fastify'] as const)('a foreign NestJS host on %s, with the packed module', (adapter) => {
  let app: INestApplication;
  let database: SharingDatabase;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    database = await createSharingDatabase();
    const module = foreignAppModule(database.url);
    app =
      adapter === 'fastify'
        ? await NestFactory.create(module, new FastifyAdapter(), { logger: false })
        : await NestFactory.create(module, { logger: false });
    await app.listen(0, '127.0.0.1');
    http = request((await app.getUrl()).replace('[::1]', '127.0.0.1'));
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('shares, gets, lists, counts and cancels under its own prefix, and reports each change', async () => {
    const owner = { 'X-Auth-Token': 'session-owner' };
    const shared = await http.post(BASE).set(owner).send({ shared: { backup_id: FOREIGN_BACKUP, to_project_ids: [FOREIGN_RECIPIENT] } });
    expect(shared.status).toBe(200);
    expect(shared.headers['x-openstack-request-id']).toMatch(/^req-[0-9a-f-]{36}$/);
    const sharingId: string = shared.body.shared[0].id;

    const got = await http.get(`${BASE}/${sharingId}`).set(owner);
    expect(got.status).toBe(200);
    expect(got.body.shared).toMatchObject({ id: sharingId, backup: { id: FOREIGN_BACKUP, name: 'erp-db', size: 20 } });

    const listed = await http.get(`${BASE}/detail`).set(owner);
    expect(listed.status).toBe(200);
    expect(listed.body.shared.map((s: { to_project_id: string }) => s.to_project_id)).toEqual([FOREIGN_RECIPIENT]);

    const received = await http.get(`${RECEIVED}/detail?share_to_me=true&limit=1`).set('X-Auth-Token', 'session-recipient');
    expect(received.status).toBe(200);
    expect(received.body.shared.map((s: { id: string }) => s.id)).toEqual([sharingId]);
    // The next-page link keeps the host's prefix.
    expect(received.body.shared_links[0].href).toContain(`${RECEIVED}/detail?`);

    const counted = await http.get(`${BASE}/count`).set(owner);
    expect(counted.status).toBe(200);
    expect(counted.body).toEqual({ count: 1 });

    const canceled = await http.delete(`${BASE}/${sharingId}`).set(owner);
    expect(canceled.status).toBe(200);
    expect(canceled.text).toBe('');
    const gone = await http.get(`${BASE}/${sharingId}`).set(owner);
    expect(gone.status).toBe(404);
    expect(gone.body.itemNotFound.error_code).toBe('BackupSharing.ShareNotFound');

    await app.get(BackupSharingEventDispatcher).flush();
    const seen = app.get(SharingAudit).seen.filter((event) => event.sharingId === sharingId);
    expect(seen.map((event) => event.type)).toEqual(['backup_sharing.created', 'backup_sharing.canceled']);
    expect(seen[0].requestId).toBe(shared.headers['x-openstack-request-id']);
  });

  it('cancels every sharing of a backup at once', async () => {
    const owner = { 'X-Auth-Token': 'session-owner' };
    const shared = await http.post(BASE).set(owner).send({ shared: { backup_id: FOREIGN_BACKUP, to_project_ids: [FOREIGN_RECIPIENT] } });
    expect(shared.status).toBe(200);
    const canceled = await http.delete(`${BASE}/${FOREIGN_BACKUP}?is_backup_id=true`).set(owner);
    expect(canceled.status).toBe(200);
    const counted = await http.get(`${BASE}/count?backup_id=${FOREIGN_BACKUP}`).set(owner);
    expect(counted.body).toEqual({ count: 0 });
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

  it("documents the module's operations at the host's paths, with the host's example IDs", () => {
    const document = createBackupSharingDocument(app);
    const path = '/block-storage/v2/{project_id}/os-vendor-backup-sharing';
    expect(Object.keys(document.paths)).toContain(path);
    const text = JSON.stringify(document);
    expect(text).toContain(FOREIGN_OWNER);
    expect(text).toContain(FOREIGN_BACKUP);
    const projectId = (document.paths[path].post!.parameters as { name: string; schema?: { example?: string } }[])[0];
    expect(projectId).toMatchObject({ name: 'project_id', schema: { example: FOREIGN_OWNER } });

    const whole = completeBackupSharingDocument(app, SwaggerModule.createDocument(app, backupSharingDocumentConfig()));
    expect(JSON.stringify(whole.paths[path])).toBe(JSON.stringify(document.paths[path]));
  });

  it("gives the test doubles of the package's testing entry, on the same classes as its main entry", async () => {
    const catalog = new InMemoryBackupCatalog();
    expect(catalog).toBeInstanceOf(BackupCatalog);
    catalog.add(FOREIGN_OWNER, FOREIGN_BACKUP, { name: 'erp-db' });
    expect(await catalog.findOwned(FOREIGN_OWNER, FOREIGN_BACKUP)).toMatchObject({ name: 'erp-db' });
    expect(await catalog.findOwned(FOREIGN_RECIPIENT, FOREIGN_BACKUP)).toBeUndefined();
  });
});
