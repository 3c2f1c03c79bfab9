import { INestApplication, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { BackupSharingModule } from './backup-sharing.module';
import { BackupSharingModuleOptions, BackupSharingOptionsFactory } from './backup-sharing.options';
import { BackupSharingService } from './backup-sharing.service';
import { StaticTokenVerifier } from './auth/static-token.verifier';
import { InMemoryBackupCatalog } from './testing/in-memory-backup-catalog';
import { inMemoryBackupSharingDatabase } from './testing/in-memory-database';

const PROJECT = 'c13f5220dc1949b0b741ea81a7cd5554';
const BACKUP = '066b1e37-9305-4057-97e5-2e99b21fc71d';

const database = inMemoryBackupSharingDatabase;

function ports(): BackupSharingModuleOptions {
  const catalog = new InMemoryBackupCatalog();
  catalog.add(PROJECT, BACKUP);
  return { backupCatalog: catalog, tokenVerifier: new StaticTokenVerifier({ t: { project_id: PROJECT } }) };
}

@Injectable()
class OptionsFactory implements BackupSharingOptionsFactory {
  createBackupSharingOptions(): BackupSharingModuleOptions {
    return ports();
  }
}

@Module({ providers: [OptionsFactory], exports: [OptionsFactory] })
class OptionsModule {}

/** Boots a host with the given imports and proves the module serves a share over HTTP. */
async function shareThrough(imports: unknown[]): Promise<number> {
  const moduleRef = await Test.createTestingModule({ imports: imports as never[] }).compile();
  const app: INestApplication = moduleRef.createNestApplication({ logger: false });
  await app.init();
  try {
    const response = await request(app.getHttpServer())
      .post(`/v2/${PROJECT}/os-vendor-backup-sharing`)
      .set('X-Auth-Token', 't')
      .send({ shared: { backup_id: BACKUP, to_project_ids: ['722513ed0a324dadaabe5b2d0fe848c9'] } });
    expect(response.body.shared?.[0]?.backup_id).toBe(BACKUP);
    expect(await app.get(BackupSharingService).isSharedWith(BACKUP, '722513ed0a324dadaabe5b2d0fe848c9')).toBe(true);
    return response.status;
  } finally {
    await app.close();
  }
}

describe('BackupSharingModule registration', () => {
  it('forRoot with port instances', async () => {
    await expect(shareThrough([database(), BackupSharingModule.forRoot(ports())])).resolves.toBe(200);
  });

  it('forRootAsync with useFactory and inject', async () => {
    const module = BackupSharingModule.forRootAsync({
      imports: [OptionsModule],
      inject: [OptionsFactory],
      useFactory: (factory: OptionsFactory) => factory.createBackupSharingOptions(),
    });
    await expect(shareThrough([database(), module])).resolves.toBe(200);
  });

  it('forRootAsync with useClass', async () => {
    await expect(shareThrough([database(), BackupSharingModule.forRootAsync({ useClass: OptionsFactory })])).resolves.toBe(200);
  });

  it('on a named data source', async () => {
    await expect(
      shareThrough([database('sharing'), BackupSharingModule.forRoot({ ...ports(), dataSource: 'sharing' })]),
    ).resolves.toBe(200);
  });

  it.each(['backupCatalog', 'tokenVerifier'] as const)('fails at boot when %s is not set, naming the option', async (option) => {
    const options = { ...ports(), [option]: undefined };
    const compiling = Test.createTestingModule({ imports: [database(), BackupSharingModule.forRoot(options)] }).compile();
    await expect(compiling).rejects.toThrow(`the option "${option}" is not set`);
  });

  it('fails at boot when a port lacks a method', async () => {
    const options = { ...ports(), backupCatalog: { findOwned: async () => undefined } as never };
    const compiling = Test.createTestingModule({ imports: [database(), BackupSharingModule.forRoot(options)] }).compile();
    await expect(compiling).rejects.toThrow('the option "backupCatalog" is missing describe');
  });
});
