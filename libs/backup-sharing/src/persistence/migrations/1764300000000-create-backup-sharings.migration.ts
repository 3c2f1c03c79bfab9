import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Columns the list sorts on, by the API's `sort_key` (`id` is handled on its own). */
const SORT_COLUMNS = ['created_at', 'updated_at', 'backup_name', 'backup_status', 'backup_size'];
/** A list is always scoped to the caller's project on one side of the sharing. */
const SCOPES = ['from_project_id', 'to_project_id'];
const FILTER_COLUMNS = ['backup_volume_id', 'backup_availability_zone'];

/**
 * Every list runs as "scope = ? AND active = 1 [AND filter = ?] ORDER BY sort, id", so each index
 * leads with (scope, active) and ends with the sort column and the id tie-breaker: the database
 * reads one page in index order and never sorts or scans the whole table.
 */
function listIndexes(): TableIndex[] {
  const short = (column: string) => column.replace('_project_id', '').replace('backup_', '');
  const indexes: TableIndex[] = [];
  for (const scope of SCOPES) {
    for (const column of [...SORT_COLUMNS, 'id']) {
      const columnNames = column === 'id' ? [scope, 'active', 'id'] : [scope, 'active', column, 'id'];
      indexes.push(new TableIndex({ name: `ix_bs_${short(scope)}_${short(column)}`, columnNames }));
    }
    for (const column of FILTER_COLUMNS) {
      indexes.push(
        new TableIndex({ name: `ix_bs_${short(scope)}_${short(column)}`, columnNames: [scope, 'active', column] }),
      );
    }
  }
  return indexes;
}

/**
 * Project IDs compare byte for byte, as on SQLite: MySQL's default collations would make `abc` and
 * `ABC` one project, and so one tenant's scope; PostgreSQL's `C` collation compares bytes, where
 * a database created with a locale would sort and match by that locale's rules. (UUID columns
 * keep the default collation: a UUID is the same in either case.)
 */
export function projectIdCollation(queryRunner: QueryRunner): { charset?: string; collation?: string } {
  const type = queryRunner.connection.driver.options.type;
  if (['mysql', 'mariadb'].includes(type)) return { charset: 'ascii', collation: 'ascii_bin' };
  return type === 'postgres' ? { collation: 'C' } : {};
}

/**
 * A datetime column with microseconds. PostgreSQL: `timestamptz`, which stores the instant, so
 * that no time zone (the process's, the session's) can shift what is written or read. MySQL and
 * SQLite: `datetime`, written and read as UTC by the drivers' settings.
 */
export function timestampColumn(queryRunner: QueryRunner): { type: string; precision: number } {
  return { type: queryRunner.connection.driver.options.type === 'postgres' ? 'timestamptz' : 'datetime', precision: 6 };
}

export class CreateBackupSharings1764300000000 implements MigrationInterface {
  name = 'CreateBackupSharings1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = timestampColumn(queryRunner);
    const projectId = { type: 'varchar', length: '64', ...projectIdCollation(queryRunner) };
    await queryRunner.createTable(
      new Table({
        name: 'backup_sharings',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'backup_id', type: 'varchar', length: '36' },
          { name: 'from_project_id', ...projectId },
          { name: 'to_project_id', ...projectId },
          { name: 'active', type: 'smallint', isNullable: true },
          { name: 'created_at', ...timestamp },
          { name: 'updated_at', ...timestamp },
          { name: 'deleted_at', ...timestamp, isNullable: true },
          { name: 'backup_name', type: 'varchar', length: '255' },
          { name: 'backup_status', type: 'varchar', length: '32' },
          { name: 'backup_size', type: 'int' },
          { name: 'backup_volume_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'backup_availability_zone', type: 'varchar', length: '255', isNullable: true },
        ],
        indices: [
          // One active sharing per backup and target; canceled rows have active = NULL.
          new TableIndex({
            name: 'uq_bs_backup_target_active',
            columnNames: ['backup_id', 'to_project_id', 'active'],
            isUnique: true,
          }),
          ...listIndexes(),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('backup_sharings');
  }
}
