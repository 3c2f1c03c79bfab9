import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { projectIdCollation, timestampColumn } from '../../libs/backup-sharing/src';

export class CreateBackups1764200000000 implements MigrationInterface {
  name = 'CreateBackups1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const text = (name: string, length: string, isNullable = true) => ({ name, type: 'varchar', length, isNullable });
    const timestamp = (name: string, isNullable = true) => ({ name, ...timestampColumn(queryRunner), isNullable });
    await queryRunner.createTable(
      new Table({
        name: 'backups',
        columns: [
          { ...text('id', '36', false), isPrimary: true },
          { ...text('project_id', '64', false), ...projectIdCollation(queryRunner) },
          text('name', '255'),
          text('description', '255'),
          text('status', '32', false),
          { name: 'size', type: 'int' },
          text('volume_id', '36', false),
          text('availability_zone', '255'),
          text('snapshot_id', '36'),
          text('container', '255'),
          { name: 'object_count', type: 'int', isNullable: true },
          text('fail_reason', '255'),
          text('encryption_key_id', '36'),
          timestamp('created_at', false),
          timestamp('updated_at'),
          timestamp('data_timestamp'),
          { name: 'has_dependent_backups', type: 'boolean', isNullable: true },
          { name: 'is_incremental', type: 'boolean', isNullable: true },
          text('service_metadata', '255'),
        ],
        indices: [{ name: 'ix_backups_project_created', columnNames: ['project_id', 'created_at'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('backups');
  }
}

export const hostMigrations = [CreateBackups1764200000000];
