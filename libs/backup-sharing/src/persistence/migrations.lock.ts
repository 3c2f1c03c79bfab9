import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { DataSource, Migration } from 'typeorm';
import { isWriteConflict } from './write-conflict.retry';

// Several instances of a host that start at once on one empty database would each run the
// migrations: the second `CREATE TABLE` fails ("already exists") and that instance exits. They run
// under a lock instead: a row of a table of its own, inserted by the instance that holds it. An
// insert is what every database orders, a MariaDB Galera cluster included (where `GET_LOCK` holds
// on one node only); the row carries a lease, renewed while the migrations run, so that an
// instance that died holding it does not block the others for longer than the lease.

const TABLE = 'backup_sharing_migration_lock';
const NAME = 'migrations';

export interface MigrationLockOptions {
  /**
   * How long the lock holds without renewal; renewed every third of it while migrations run.
   * @default 30000
   */
  leaseMs?: number;
  /**
   * How long to wait for another instance's migrations before giving up.
   * @default 600000
   */
  waitMs?: number;
}

/**
 * Runs the data source's pending migrations (`DataSource.runMigrations`) while holding a lock that
 * every instance on the same database takes first; an instance that waited finds them applied.
 * Use it instead of `migrationsRun: true` when several instances may start at once.
 */
export async function runMigrationsExclusively(dataSource: DataSource, options: MigrationLockOptions = {}): Promise<Migration[]> {
  const leaseMs = options.leaseMs ?? 30_000;
  const holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  await createLockTable(dataSource);
  await acquire(dataSource, holder, leaseMs, options.waitMs ?? 600_000);
  const renewal = setInterval(() => {
    dataSource
      .createQueryBuilder()
      .update(TABLE)
      .set({ expires_at: Date.now() + leaseMs })
      .where('name = :name AND holder = :holder', { name: NAME, holder })
      .execute()
      .catch(() => undefined);
  }, leaseMs / 3);
  renewal.unref();
  try {
    return await dataSource.runMigrations();
  } finally {
    clearInterval(renewal);
    await dataSource.createQueryBuilder().delete().from(TABLE).where('name = :name AND holder = :holder', { name: NAME, holder }).execute();
  }
}

/**
 * Creates the lock table unless it exists. PostgreSQL's IF NOT EXISTS does not hold against a
 * concurrent CREATE of the same table: the later one fails once the first committed, on the
 * catalog's unique index (23505), as a duplicate table (42P07) or as a duplicate of the table's row
 * type (42710), whichever catalog row it met first. Whatever the error, a table that exists after
 * it is the table this instance wanted.
 */
async function createLockTable(dataSource: DataSource): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await dataSource.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (name VARCHAR(64) NOT NULL PRIMARY KEY, holder VARCHAR(100) NOT NULL, expires_at BIGINT NOT NULL)`);
      return;
    } catch (error) {
      if (await lockTableExists(dataSource)) return;
      if (attempt >= 3) throw error;
    }
  }
}

async function lockTableExists(dataSource: DataSource): Promise<boolean> {
  try {
    await dataSource.query(`SELECT 1 FROM ${TABLE} WHERE 1 = 0`);
    return true;
  } catch {
    return false;
  }
}

async function acquire(dataSource: DataSource, holder: string, leaseMs: number, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await tryInsert(dataSource, holder, leaseMs)) return;
    // A holder that died: its lease ran out, the row is taken over.
    const now = Date.now();
    const taken = await dataSource
      .createQueryBuilder()
      .update(TABLE)
      .set({ holder, expires_at: now + leaseMs })
      .where('name = :name AND expires_at < :now', { name: NAME, now })
      .execute()
      .catch((error: unknown) => {
        if (isWriteConflict(error)) return { affected: 0 };
        throw error;
      });
    if (taken.affected === 1) return;
    if (Date.now() > deadline) {
      throw new Error(`Migrations: another instance has held the lock in ${TABLE} for over ${waitMs} ms; remove its row if that instance is gone.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
  }
}

/** Inserts the lock row; `false` when another instance holds it (or won the same insert). */
async function tryInsert(dataSource: DataSource, holder: string, leaseMs: number): Promise<boolean> {
  try {
    await dataSource.createQueryBuilder().insert().into(TABLE, ['name', 'holder', 'expires_at']).values({ name: NAME, holder, expires_at: Date.now() + leaseMs }).execute();
    return true;
  } catch (error) {
    const code = String((error as { driverError?: { code?: unknown } }).driverError?.code ?? (error as { code?: unknown }).code);
    if (isWriteConflict(error) || ['ER_DUP_ENTRY', 'SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_CONSTRAINT', '23505'].includes(code)) return false;
    throw error;
  }
}
