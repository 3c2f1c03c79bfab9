import { ConfigurableModuleBuilder, DynamicModule } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BackupSharingModuleExtras, BackupSharingModuleOptions } from './backup-sharing.options';
import { BackupSharingEntity } from './persistence/backup-sharing.entity';
import { BackupSharingRepository } from './persistence/backup-sharing.repository';
import { withDatabaseErrorsTranslated } from './persistence/database-errors';
import { BackupSharingEventEntity } from './events/backup-sharing-event.entity';
import { BackupSharingOutbox } from './events/backup-sharing-outbox.repository';

/** Entities to add to the host's data source (also registered through `forFeature`). */
export const backupSharingEntities = [BackupSharingEntity, BackupSharingEventEntity];

/** The module uses the host's data source, named by `dataSource`; it never opens a connection. */
function withPersistence(definition: DynamicModule, extras: BackupSharingModuleExtras): DynamicModule {
  return {
    ...definition,
    global: extras.isGlobal,
    imports: [...(definition.imports ?? []), TypeOrmModule.forFeature(backupSharingEntities, extras.dataSource)],
    providers: [
      ...(definition.providers ?? []),
      {
        provide: BackupSharingRepository,
        // Database outages and time limits surface as domain errors from every query (503, 504).
        useFactory: (dataSource: DataSource) => withDatabaseErrorsTranslated(new BackupSharingRepository(dataSource)),
        inject: [getDataSourceToken(extras.dataSource)],
      },
      {
        provide: BackupSharingOutbox,
        useFactory: (dataSource: DataSource) => new BackupSharingOutbox(dataSource),
        inject: [getDataSourceToken(extras.dataSource)],
      },
    ],
  };
}

export const {
  ConfigurableModuleClass: BackupSharingConfigurableModule,
  MODULE_OPTIONS_TOKEN: BACKUP_SHARING_OPTIONS,
  OPTIONS_TYPE: BACKUP_SHARING_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: BACKUP_SHARING_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<BackupSharingModuleOptions>({ moduleName: 'BackupSharing' })
  .setClassMethodName('forRoot')
  // `useClass` / `useExisting` factories implement `createBackupSharingOptions()`.
  .setFactoryMethodName('createBackupSharingOptions')
  .setExtras<BackupSharingModuleExtras>({ isGlobal: false, dataSource: undefined }, withPersistence)
  .build();
