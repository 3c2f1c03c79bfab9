import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { SharingDatabase, createSharingDatabase } from '../src/sharing-database';

// The README's embedding example, exactly as written (scripts/test-foreign-host.js extracts it to
// src/readme-example/app.module.ts): compiled by this host's `tsc` and served on MariaDB.
describe("the README's embedding example, as written", () => {
  let app: INestApplication;
  let database: SharingDatabase;

  beforeAll(async () => {
    database = await createSharingDatabase();
    process.env.DATABASE_URL = database.url;
    // Loaded only now: the example reads DATABASE_URL when its module is evaluated.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { AppModule } = require('../src/readme-example/app.module') as { AppModule: Type<unknown> };
    app = await NestFactory.create(AppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('shares, lists and cancels', async () => {
    const http = request((await app.getUrl()).replace('[::1]', '127.0.0.1'));
    const base = '/v2/p-owner/os-vendor-backup-sharing';
    const shared = await http
      .post(base)
      .set('X-Auth-Token', 'dev-token')
      .send({ shared: { backup_id: '9b2f6c1e-4d3a-4e5b-8c7d-1a2b3c4d5e6f', to_project_ids: ['p-partner'] } });
    expect(shared.status).toBe(200);
    const list = await http.get(`${base}/detail`).set('X-Auth-Token', 'dev-token');
    expect(list.body.shared).toEqual([expect.objectContaining({ id: shared.body.shared[0].id, to_project_id: 'p-partner' })]);
    expect(list.body.shared[0].backup.name).toBe('erp-db');
    const canceled = await http.delete(`${base}/${shared.body.shared[0].id}`).set('X-Auth-Token', 'dev-token');
    expect(canceled.status).toBe(200);
  });
});
