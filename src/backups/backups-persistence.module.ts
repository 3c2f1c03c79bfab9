import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BackupCatalogAdapter } from './backup-catalog.adapter';
import { BackupEntity } from './backup.entity';

/**
 * The backups table and the catalog adapter on it. A module of its own so that both the sharing
 * module (which needs the catalog) and the backups API (which needs the sharing service) can
 * import it without a cycle.
 */
@Module({
  imports: [TypeOrmModule.forFeature([BackupEntity])],
  providers: [BackupCatalogAdapter],
  exports: [TypeOrmModule, BackupCatalogAdapter],
})
export class BackupsPersistenceModule {}
