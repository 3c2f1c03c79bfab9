import { DataSource, EntitySubscriberInterface, QueryFailedError } from 'typeorm';
import { openInMemoryBackupSharingDatabase } from '../testing/in-memory-database';
import { SqlExecutor } from './sql-executor';

const INSERT_EVENT =
  'INSERT INTO backup_sharing_events (event_id, type, sharing_id, backup_id, from_project_id, to_project_id, occurred_at, request_id, attempts) ' +
  "VALUES (?, 'backup_sharing.created', 's', 'b', 'p', 'q', '2026-01-01 00:00:00.000', NULL, 0)";

describe('SqlExecutor on SQLite', () => {
  let dataSource: DataSource;
  beforeEach(async () => {
    dataSource = await openInMemoryBackupSharingDatabase();
  });
  afterEach(() => dataSource.destroy());

  it('reads rows, counts the rows a change touched, and logs every statement through the data source logger', async () => {
    const logged = jest.spyOn(dataSource.logger, 'logQuery');
    const sql = new SqlExecutor(dataSource);
    expect(await sql.change(INSERT_EVENT, ['e1'])).toBe(1);
    expect(await sql.change(INSERT_EVENT, ['e2'])).toBe(1);
    expect(await sql.select<{ event_id: string }>('SELECT event_id FROM backup_sharing_events ORDER BY seq', [])).toEqual([{ event_id: 'e1' }, { event_id: 'e2' }]);
    expect(await sql.change('UPDATE backup_sharing_events SET attempts = attempts + 1 WHERE attempts = ?', [false])).toBe(2);
    expect(logged.mock.calls.map(([statement]) => statement)).toEqual([INSERT_EVENT, INSERT_EVENT, expect.stringMatching(/^SELECT/), expect.stringMatching(/^UPDATE/)]);
  });

  it('fails as TypeORM does, with the driver error inside a QueryFailedError, and logs the failure', async () => {
    const failures = jest.spyOn(dataSource.logger, 'logQueryError');
    const sql = new SqlExecutor(dataSource);
    await sql.change(INSERT_EVENT, ['same']);
    const error = await sql.change(INSERT_EVENT, ['same']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(QueryFailedError);
    expect((error as QueryFailedError & { driverError: { code: string } }).driverError.code).toMatch(/^SQLITE_CONSTRAINT/);
    expect(failures).toHaveBeenCalledTimes(1);
    expect(await sql.select('SELECT * FROM backup_sharing_events', [])).toHaveLength(1);
  });

  it('rolls a failed transaction back: nothing of it is written', async () => {
    const sql = new SqlExecutor(dataSource);
    await expect(
      sql.transaction(async (tx) => {
        await tx.change(INSERT_EVENT, ['in-transaction']);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await sql.select('SELECT * FROM backup_sharing_events', [])).toEqual([]);
    await sql.transaction((tx) => tx.change(INSERT_EVENT, ['committed']));
    expect(await sql.select('SELECT event_id FROM backup_sharing_events', [])).toEqual([{ event_id: 'committed' }]);
  });

  it("keeps TypeORM's runner when the data source has subscribers, so that they hear every query", async () => {
    const heard: string[] = [];
    const subscriber: EntitySubscriberInterface = { beforeQuery: (event) => void heard.push(event.query) };
    dataSource.subscribers.push(subscriber);
    const sql = new SqlExecutor(dataSource);
    await sql.select('SELECT 1 AS one', []);
    expect(heard).toEqual(['SELECT 1 AS one']);
  });
});
