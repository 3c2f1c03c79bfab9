import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { projectIdCollation, timestampColumn } from './1764300000000-create-backup-sharings.migration';

export class CreateBackupSharingEvents1764400000000 implements MigrationInterface {
  name = 'CreateBackupSharingEvents1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = timestampColumn(queryRunner);
    // SQLite auto-increments only an INTEGER PRIMARY KEY (which is 64-bit there).
    const sequence = queryRunner.connection.driver.options.type.includes('sqlite') ? 'integer' : 'bigint';
    await queryRunner.createTable(
      new Table({
        name: 'backup_sharing_events',
        columns: [
          { name: 'seq', type: sequence, isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'event_id', type: 'varchar', length: '36' },
          { name: 'type', type: 'varchar', length: '40' },
          { name: 'sharing_id', type: 'varchar', length: '36' },
          { name: 'backup_id', type: 'varchar', length: '36' },
          { name: 'from_project_id', type: 'varchar', length: '64', ...projectIdCollation(queryRunner) },
          { name: 'to_project_id', type: 'varchar', length: '64', ...projectIdCollation(queryRunner) },
          { name: 'occurred_at', ...timestamp },
          { name: 'request_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'claimed_by', type: 'varchar', length: '100', isNullable: true },
          { name: 'claimed_until', ...timestamp, isNullable: true },
          { name: 'attempts', type: 'int', default: 0 },
          { name: 'delivered_at', ...timestamp, isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'uq_bse_event_id', columnNames: ['event_id'], isUnique: true }),
          // The dispatcher reads "undelivered, in order" and the purge "delivered before ...".
          new TableIndex({ name: 'ix_bse_delivered_seq', columnNames: ['delivered_at', 'seq'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('backup_sharing_events');
  }
}
