import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { BackupSharingController } from './backup-sharing.controller';
import { BackupSharingConfigurableModule, BACKUP_SHARING_OPTIONS } from './backup-sharing.module-definition';
import { BackupSharingModuleOptions } from './backup-sharing.options';
import { BackupSharingService } from './backup-sharing.service';
import { BackupSharingEventDispatcher } from './events/backup-sharing-event.dispatcher';
import { BackupSharingEvents } from './events/backup-sharing-events';
import { ProjectScopeGuard } from './auth/project-scope.guard';
import { DefaultSharingPolicy } from './auth/default-sharing.policy';
import { SharingPolicy } from './auth/sharing-policy.port';
import { TokenVerifier } from './auth/token-verifier.port';
import { FaultFilter } from './http/fault.filter';
import { applyHttpEdge } from './http/http-edge.middleware';
import { PublicAddress } from './http/public-address';
import { BackupCatalog } from './ports/backup-catalog.port';

/**
 * Resolves a port from the options, failing at boot (not at the first request) with the option
 * the host has to set.
 */
function port<K extends 'backupCatalog' | 'tokenVerifier'>(option: K, methods: string[]) {
  return (options: BackupSharingModuleOptions): BackupSharingModuleOptions[K] => {
    const value = options?.[option] as unknown as Record<string, unknown> | undefined;
    const missing = methods.filter((method) => typeof value?.[method] !== 'function');
    if (!value || missing.length > 0) {
      throw new Error(
        `BackupSharingModule: the option "${option}" is ${value ? `missing ${missing.join(', ')}` : 'not set'}. ` +
          `Pass an implementation of ${option === 'backupCatalog' ? 'BackupCatalog' : 'TokenVerifier'} in ` +
          `BackupSharingModule.forRoot({ ${option} }) or return it from the forRootAsync factory.`,
      );
    }
    return value as unknown as BackupSharingModuleOptions[K];
  };
}

/** The host's `sharingPolicy`, checked at boot like the ports, or the default rules. */
function sharingPolicy(options: BackupSharingModuleOptions): SharingPolicy {
  const policy = options?.sharingPolicy as unknown as Record<string, unknown> | undefined;
  if (policy === undefined) return new DefaultSharingPolicy(options?.adminRole);
  const missing = ['mayActFor', 'isAdmin', 'allows'].filter((method) => typeof policy?.[method] !== 'function');
  if (missing.length > 0) {
    throw new Error(
      `BackupSharingModule: the option "sharingPolicy" is missing ${missing.join(', ')}. ` +
        'Pass a SharingPolicy (extend DefaultSharingPolicy to change single rules), or leave it out for the default rules.',
    );
  }
  return policy as unknown as SharingPolicy;
}

/** The public address of the links, from `publicBaseUrl` and `trustProxy`, checked at boot. */
function publicAddress(options: BackupSharingModuleOptions): PublicAddress {
  try {
    return new PublicAddress({ publicBaseUrl: options?.publicBaseUrl, trustProxy: options?.trustProxy });
  } catch (error) {
    throw new Error(`BackupSharingModule: the option "publicBaseUrl" or "trustProxy" is invalid. ${(error as Error).message}`);
  }
}

/**
 * The backup-sharing API (`/v2/{project_id}/os-vendor-backup-sharing`) for a block-storage host.
 * Register with `forRoot` or `forRootAsync`; the host binds the backup catalog and the token
 * verifier, runs `backupSharingMigrations` and adds `backupSharingEntities` to its data source.
 */
@Module({
  controllers: [BackupSharingController],
  providers: [
    BackupSharingService,
    BackupSharingEvents,
    BackupSharingEventDispatcher,
    ProjectScopeGuard,
    FaultFilter,
    { provide: BackupCatalog, useFactory: port('backupCatalog', ['findOwned', 'describe']), inject: [BACKUP_SHARING_OPTIONS] },
    { provide: TokenVerifier, useFactory: port('tokenVerifier', ['verify']), inject: [BACKUP_SHARING_OPTIONS] },
    { provide: SharingPolicy, useFactory: sharingPolicy, inject: [BACKUP_SHARING_OPTIONS] },
    { provide: PublicAddress, useFactory: publicAddress, inject: [BACKUP_SHARING_OPTIONS] },
  ],
  exports: [
    BackupSharingService,
    BackupSharingEvents,
    BackupSharingEventDispatcher,
    ProjectScopeGuard,
    FaultFilter,
    TokenVerifier,
    SharingPolicy,
    PublicAddress,
    BACKUP_SHARING_OPTIONS,
  ],
})
export class BackupSharingModule extends BackupSharingConfigurableModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // 405 for a method the module's paths do not serve, before the router answers 404 for it;
    // the request ID and content negotiation on the paths it serves. One layer for the three.
    applyHttpEdge(consumer, BackupSharingController);
  }
}
