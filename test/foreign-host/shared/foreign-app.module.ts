// A block-storage API of another team: it installs the packed module (`nestjs-backup-sharing`),
// mounts it under its own prefix, on its own named data source (MariaDB), with its own backup
// catalog, identity, OpenAPI examples and global exception filter. Nothing here comes from the
// demo host. Both foreign hosts (NestJS 11 CommonJS, NestJS 12 ES modules) run this file as it is.
import {
  ArgumentsHost,
  Catch,
  Controller,
  ExceptionFilter,
  Get,
  HttpException,
  Inject,
  Injectable,
  Module,
  OnModuleInit,
} from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost, RouterModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  BackupCatalog,
  BackupSharingEvent,
  BackupSharingEvents,
  BackupSharingModule,
  BackupSharingModuleOptions,
  BackupSharingOptionsFactory,
  CatalogBackup,
  Identity,
  TokenVerifier,
  backupSharingEntities,
  backupSharingMigrations,
} from 'nestjs-backup-sharing';

export const FOREIGN_OWNER = 'f0000000000000000000000000000001';
export const FOREIGN_RECIPIENT = 'f0000000000000000000000000000002';
export const FOREIGN_BACKUP = '9b2f6c1e-4d3a-4e5b-8c7d-1a2b3c4d5e6f';

/** The team's own backup store: here a map, in real life their backups table or service. */
@Injectable()
export class LegacyBackupStore extends BackupCatalog {
  private readonly backups = new Map<string, CatalogBackup>([
    [
      FOREIGN_BACKUP,
      {
        id: FOREIGN_BACKUP,
        projectId: FOREIGN_OWNER,
        name: 'erp-db',
        description: null,
        status: 'available',
        size: 20,
        volumeId: null,
        availabilityZone: 'zone-a',
        snapshotId: null,
        container: null,
        objectCount: null,
        failReason: null,
        createdAt: new Date('2026-01-01T00:00:00Z'),
        updatedAt: null,
        dataTimestamp: null,
        hasDependentBackups: false,
        isIncremental: false,
        serviceMetadata: null,
        encrypted: false,
      },
    ],
  ]);

  async findOwned(projectId: string, backupId: string): Promise<CatalogBackup | undefined> {
    const backup = this.backups.get(backupId);
    return backup?.projectId === projectId ? backup : undefined;
  }

  async describe(ids: readonly string[]): Promise<Map<string, CatalogBackup>> {
    return new Map(ids.filter((id) => this.backups.has(id)).map((id) => [id, this.backups.get(id)!]));
  }
}

/** The team's identity: opaque session tokens it already issues. */
@Injectable()
export class SessionTokenVerifier extends TokenVerifier {
  private readonly sessions: Record<string, Identity> = {
    'session-owner': { projectId: FOREIGN_OWNER, userId: 'u1', roles: ['member'] },
    'session-recipient': { projectId: FOREIGN_RECIPIENT, userId: 'u2', roles: ['member'] },
  };

  async verify(token: string): Promise<Identity | undefined> {
    return this.sessions[token];
  }
}

/** Bound with `useExisting`: the host already has this provider for other reasons. */
@Injectable()
export class SharingOptions implements BackupSharingOptionsFactory {
  constructor(
    @Inject(LegacyBackupStore) private readonly catalog: LegacyBackupStore,
    @Inject(SessionTokenVerifier) private readonly verifier: SessionTokenVerifier,
  ) {}

  createBackupSharingOptions(): BackupSharingModuleOptions {
    return {
      backupCatalog: this.catalog,
      tokenVerifier: this.verifier,
      events: { pollIntervalMs: 100 },
      openApiExamples: { projectId: FOREIGN_OWNER, toProjectId: FOREIGN_RECIPIENT, backupId: FOREIGN_BACKUP },
    };
  }
}

@Module({
  providers: [LegacyBackupStore, SessionTokenVerifier, SharingOptions],
  exports: [LegacyBackupStore, SessionTokenVerifier, SharingOptions],
})
export class StorageCoreModule {}

/** The team's own error format for its own routes. */
@Catch()
export class TeamErrorFilter implements ExceptionFilter {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), { error: { status, team: 'storage' } }, status);
  }
}

@Controller('block-storage/status')
export class StatusController {
  @Get('broken')
  broken(): never {
    throw new HttpException('teapot', 418);
  }
}

/** Reacts to sharing changes, e.g. to revoke a recipient's access in another system. */
@Injectable()
export class SharingAudit implements OnModuleInit {
  readonly seen: BackupSharingEvent[] = [];

  constructor(@Inject(BackupSharingEvents) private readonly events: BackupSharingEvents) {}

  onModuleInit(): void {
    this.events.subscribe((event) => {
      this.seen.push(event);
    });
  }
}

export function foreignAppModule(databaseUrl: string) {
  @Module({
    imports: [
      TypeOrmModule.forRoot({
        name: 'storage',
        ...(databaseUrl.startsWith('mysql://')
          ? { type: 'mysql' as const, url: databaseUrl, timezone: 'Z' }
          : /^postgres(ql)?:\/\//.test(databaseUrl)
            ? { type: 'postgres' as const, url: databaseUrl }
            : { type: 'better-sqlite3' as const, database: ':memory:' }),
        entities: [...backupSharingEntities],
        migrations: [...backupSharingMigrations],
        migrationsRun: true,
      }),
      BackupSharingModule.forRootAsync({
        imports: [StorageCoreModule],
        useExisting: SharingOptions,
        dataSource: 'storage',
      }),
      RouterModule.register([{ path: 'block-storage', module: BackupSharingModule }]),
    ],
    controllers: [StatusController],
    providers: [SharingAudit, { provide: APP_FILTER, useClass: TeamErrorFilter }],
  })
  class ForeignAppModule {}
  return ForeignAppModule;
}
