import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { projectIdCollation } from './1764300000000-create-backup-sharings.migration';

/**
 * One guard row per backup that has ever been shared: the point that serialises every change of
 * the backup's sharings (see `backup-guard.sql.ts`). It holds the number of active sharings, which
 * the limit is enforced on, and the backup's state as far as sharing is concerned, which the host
 * changes through the module while holding the row.
 */
export class CreateBackupSharingGuards1764500000000 implements MigrationInterface {
  name = 'CreateBackupSharingGuards1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'backup_sharing_guards',
        columns: [
          { name: 'backup_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'owner_project_id', type: 'varchar', length: '64', ...projectIdCollation(queryRunner) },
          { name: 'deleted', type: 'smallint', default: 0 },
          { name: 'encrypted', type: 'smallint', default: 0 },
          { name: 'backup_name', type: 'varchar', length: '255' },
          { name: 'backup_status', type: 'varchar', length: '32' },
          { name: 'backup_size', type: 'int' },
          { name: 'backup_volume_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'backup_availability_zone', type: 'varchar', length: '255', isNullable: true },
          { name: 'active_count', type: 'int', default: 0 },
          { name: 'version', type: 'bigint', default: 0 },
        ],
      }),
    );
    // Backup and sharing IDs are compared in lower case from now on; SQLite compared them as
    // typed, MySQL without case, so no two active sharings differ in the case of their IDs only.
    await queryRunner.query('UPDATE backup_sharings SET id = LOWER(id), backup_id = LOWER(backup_id)');
    await queryRunner.query('UPDATE backup_sharing_events SET sharing_id = LOWER(sharing_id), backup_id = LOWER(backup_id)');
    // Backups shared before: their guard from their active sharings (encrypted ones were never shared).
    await queryRunner.query(
      'INSERT INTO backup_sharing_guards (backup_id, owner_project_id, deleted, encrypted, backup_name, backup_status, backup_size, ' +
        'backup_volume_id, backup_availability_zone, active_count, version) ' +
        'SELECT backup_id, MIN(from_project_id), 0, 0, MIN(backup_name), MIN(backup_status), MIN(backup_size), MIN(backup_volume_id), ' +
        'MIN(backup_availability_zone), COUNT(*), 0 FROM backup_sharings WHERE active = 1 GROUP BY backup_id',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('backup_sharing_guards');
  }
}
