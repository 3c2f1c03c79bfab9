import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { BackupSharingModule } from '../backup-sharing.module';
import { StaticTokenVerifier } from '../auth/static-token.verifier';
import { InMemoryBackupCatalog } from '../testing/in-memory-backup-catalog';
import { createBackupSharingDocument } from './backup-sharing.openapi';
import { BackupSharingOpenApiExamples, EXAMPLE_PLACEHOLDERS } from './openapi-examples';
import { inMemoryBackupSharingDatabase } from '../testing/in-memory-database';

const PROJECT = 'c13f5220dc1949b0b741ea81a7cd5554';
const TARGET = '722513ed0a324dadaabe5b2d0fe848c9';
const BACKUP = '066b1e37-9305-4057-97e5-2e99b21fc71d';
const SHARING = 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b';

/** A host route, which a document of the module alone must leave out. */
@Controller('v2/:project_id/volumes')
class VolumesController {
  @Get()
  list() {
    return { volumes: [] };
  }
}

@Module({ controllers: [VolumesController] })
class VolumesModule {}

async function hostWith(
  mount: { routerPath?: string; globalPrefix?: string },
  openApiExamples?: BackupSharingOpenApiExamples,
): Promise<INestApplication> {
  const catalog = new InMemoryBackupCatalog();
  catalog.add(PROJECT, BACKUP);
  const moduleRef = await Test.createTestingModule({
    imports: [
      inMemoryBackupSharingDatabase(),
      BackupSharingModule.forRoot({
        backupCatalog: catalog,
        tokenVerifier: new StaticTokenVerifier({ t: { project_id: PROJECT } }),
        openApiExamples,
      }),
      VolumesModule,
      ...(mount.routerPath ? [RouterModule.register([{ path: mount.routerPath, module: BackupSharingModule }])] : []),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  if (mount.globalPrefix) app.setGlobalPrefix(mount.globalPrefix);
  await app.init();
  return app;
}

const OPERATIONS = [
  'delete /v2/{project_id}/os-vendor-backup-sharing',
  'delete /v2/{project_id}/os-vendor-backup-sharing/{id}',
  'get /v2/{project_id}/os-vendor-backup-sharing/count',
  'get /v2/{project_id}/os-vendor-backup-sharing/detail',
  'get /v2/{project_id}/os-vendor-backup-sharing/{id}',
  'post /v2/{project_id}/os-vendor-backup-sharing',
];

function operationsOf(document: OpenAPIObject): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`))
    .sort();
}

describe('createBackupSharingDocument', () => {
  it('documents the module alone, where it is mounted, ready for Swagger UI', async () => {
    const app = await hostWith({});
    try {
      const document = createBackupSharingDocument(app);
      expect(operationsOf(document)).toEqual(OPERATIONS);
      expect(document.info.title).toBe('Backup sharing API');
      expect(document.components?.securitySchemes?.['X-Auth-Token']).toEqual({ type: 'apiKey', in: 'header', name: 'X-Auth-Token' });
      expect(document.tags?.map((tag) => tag.name)).toEqual(['Backup sharing']);
      const share = document.paths['/v2/{project_id}/os-vendor-backup-sharing'].post!;
      // No host named examples: neutral placeholders, none of any host's data.
      expect(share.parameters?.[0]).toMatchObject({ name: 'project_id', in: 'path', schema: { example: EXAMPLE_PLACEHOLDERS.projectId } });
      expect(JSON.stringify(document)).not.toContain(PROJECT);
      expect(Object.keys(share.responses)).toEqual(
        expect.arrayContaining(['200', '400', '401', '403', '404', '409', '413', '415', '500']),
      );
      // Only the schemas the module's operations use: none of a host's.
      expect(Object.keys(document.components?.schemas ?? {})).toEqual(expect.arrayContaining(['ShareBackupResponse', 'ItemNotFoundFault']));
    } finally {
      await app.close();
    }
  });

  it("shows the host's example IDs (option openApiExamples) wherever the placeholders were", async () => {
    const app = await hostWith({}, { projectId: PROJECT, toProjectId: TARGET, backupId: BACKUP, sharingId: SHARING });
    try {
      const document = createBackupSharingDocument(app);
      const share = document.paths['/v2/{project_id}/os-vendor-backup-sharing'].post!;
      expect(share.parameters?.[0]).toMatchObject({ name: 'project_id', schema: { example: PROJECT } });
      const body = JSON.stringify(share.requestBody);
      expect(body).toContain(BACKUP);
      expect(body).toContain(TARGET);
      const show = document.paths['/v2/{project_id}/os-vendor-backup-sharing/{id}'].get!;
      expect(show.parameters?.find((parameter) => 'name' in parameter && parameter.name === 'id')).toMatchObject({ schema: { example: SHARING } });
      const text = JSON.stringify(document);
      for (const placeholder of Object.values(EXAMPLE_PLACEHOLDERS)) expect(text).not.toContain(placeholder);
    } finally {
      await app.close();
    }
  });

  it('follows a RouterModule path and a global prefix, and each documented path serves', async () => {
    const app = await hostWith({ routerPath: 'block-storage', globalPrefix: 'api' });
    try {
      const document = createBackupSharingDocument(app);
      expect(operationsOf(document)).toEqual(OPERATIONS.map((operation) => operation.replace(' /v2/', ' /api/block-storage/v2/')));

      // The documented paths are the served ones: a whole trial through them.
      const at = (path: string, id = '') => path.replace('{project_id}', PROJECT).replace('{id}', id);
      const http = request(app.getHttpServer());
      const sharings = '/api/block-storage/v2/{project_id}/os-vendor-backup-sharing';
      expect(document.paths[sharings]).toBeDefined();
      const shared = await http.post(at(sharings)).set('X-Auth-Token', 't').send({ shared: { backup_id: BACKUP, to_project_ids: [TARGET] } });
      expect(shared.status).toBe(200);
      const id: string = shared.body.shared[0].id;
      expect((await http.get(at(`${sharings}/{id}`, id)).set('X-Auth-Token', 't')).status).toBe(200);
      expect((await http.get(at(`${sharings}/detail`)).set('X-Auth-Token', 't')).body.shared).toHaveLength(1);
      expect((await http.delete(at(`${sharings}/{id}`, id)).set('X-Auth-Token', 't')).status).toBe(200);
      expect((await http.get(at(`${sharings}/count`)).set('X-Auth-Token', 't')).body).toEqual({ count: 0 });
      // And the unprefixed path is not served.
      expect((await http.get(`/v2/${PROJECT}/os-vendor-backup-sharing/count`).set('X-Auth-Token', 't')).status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it("keeps a host's own header and adds the security scheme it lacks", async () => {
    const app = await hostWith({});
    try {
      const config = new DocumentBuilder().setTitle('Storage API').setVersion('9').build();
      const document = createBackupSharingDocument(app, config);
      expect(document.info).toMatchObject({ title: 'Storage API', version: '9' });
      expect(Object.keys(document.components?.securitySchemes ?? {})).toEqual(['X-Auth-Token']);
      expect(operationsOf(document)).toEqual(OPERATIONS);
    } finally {
      await app.close();
    }
  });
});
