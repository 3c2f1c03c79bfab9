import { randomUUID } from 'node:crypto';
import { SHARING, as } from './support/sharing-api';
import { Statement, shapeOf, statementsDuring } from './support/sql-capture';
import { testDatabaseKind } from './support/test-database';
import { DEMO_PROJECTS, TestHost, startTestHost } from './support/test-host';
import { queryRows } from './support/database-query';

// On MySQL/MariaDB and PostgreSQL, every statement the list and the count send (for every sort
// key and direction, both sides of the scope, each filter, after a marker) is read back with
// EXPLAIN on a table of many tenants: none may scan the table (MySQL `type: ALL`, PostgreSQL
// `Seq Scan`) or a whole index (MySQL `type: index`); each reads a range of an index that leads
// with the caller's scope. The statements are the ones the host really sent, captured from the
// data source's logger. SQLite has one tenant per file in practice and no planner to ask as such.

const describeOnServer = testDatabaseKind === 'sqlite' ? describe.skip : describe;

/** One table (or index) access of a plan, in the terms of the server's own EXPLAIN. */
interface PlanStep {
  table: string | null;
  type: string | null;
  key: string | null;
}

/** A PostgreSQL plan node of `EXPLAIN (FORMAT JSON)`. */
interface PostgresPlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PostgresPlanNode[];
}

/** The indexes a plan node reads, its own or its bitmap index scans' (under a BitmapOr/BitmapAnd too). */
function indexesOf(node: PostgresPlanNode): string[] {
  return [...(node['Index Name'] ? [node['Index Name']] : []), ...(node.Plans ?? []).filter((child) => !child['Relation Name']).flatMap(indexesOf)];
}

/**
 * Every node of a PostgreSQL plan that reads a table, as a step: a bitmap heap scan reads the
 * rows its bitmap index scans found, so it takes their indexes.
 */
function postgresSteps(node: PostgresPlanNode): PlanStep[] {
  const own: PlanStep[] = node['Relation Name'] ? [{ table: node['Relation Name'], type: node['Node Type'], key: indexesOf(node).join(',') || null }] : [];
  return [...own, ...(node.Plans ?? []).flatMap(postgresSteps)];
}

const SORT_KEYS = ['created_at', 'updated_at', 'id', 'name', 'status', 'size'];
const PROJECTS = 200;
const SHARINGS_PER_PROJECT = 40;

/** Another tenant's project ID. */
const project = (n: number) => `explain${String(n).padStart(25, '0')}`;

describeOnServer(`EXPLAIN of the list and count statements (${testDatabaseKind})`, () => {
  let host: TestHost;
  let probe: { backupId: string; volumeId: string; sharingId: string };
  const owner = DEMO_PROJECTS.owner;

  /** Many tenants, the demo owner one of them with the same share of rows as the others. */
  async function fill(): Promise<void> {
    const at = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 1000);
    const backups: unknown[][] = [];
    const sharings: unknown[][] = [];
    for (let p = 0; p <= PROJECTS; p++) {
      const from = p === PROJECTS ? owner : project(p);
      for (let b = 0; b < SHARINGS_PER_PROJECT / 4; b++) {
        const backup = { id: randomUUID(), name: `backup ${p}-${b}`, status: b % 5 === 0 ? 'error' : 'available', size: 1 + b, volume: randomUUID(), zone: `az${b % 3}` };
        backups.push([backup.id, from, backup.name, backup.status, backup.size, backup.volume, backup.zone, at(p * 100 + b)]);
        for (let t = 0; t < 4; t++) {
          const to = project((p + 1 + t * 7) % PROJECTS);
          const id = randomUUID();
          sharings.push([id, backup.id, from, to, 1, at(p * 100 + b * 4 + t), at(p * 100 + b * 4 + t), backup.name, backup.status, backup.size, backup.volume, backup.zone]);
          if (from === owner && !probe) probe = { backupId: backup.id, volumeId: backup.volume, sharingId: id };
        }
      }
    }
    const insert = async (table: string, columns: string, rows: unknown[][]) => {
      for (let start = 0; start < rows.length; start += 500) {
        const chunk = rows.slice(start, start + 500);
        await queryRows(
          host.dataSource,
          `INSERT INTO ${table} (${columns}) VALUES ${chunk.map((row) => `(${row.map(() => '?').join(', ')})`).join(', ')}`,
          chunk.flat(),
        );
      }
    };
    await insert('backups', 'id, project_id, name, status, size, volume_id, availability_zone, created_at', backups);
    await insert(
      'backup_sharings',
      'id, backup_id, from_project_id, to_project_id, active, created_at, updated_at, backup_name, backup_status, backup_size, backup_volume_id, backup_availability_zone',
      sharings,
    );
    // Statistics of the filled table, as a server that has run a while has them.
    await host.dataSource.query(testDatabaseKind === 'postgres' ? 'ANALYZE backup_sharings, backups' : 'ANALYZE TABLE backup_sharings, backups');
  }

  /** Every list and count the API offers, as query strings. */
  function queries(): { list: string[]; count: string[] } {
    const filters = [
      '',
      `backup_id=${probe.backupId}`,
      `from_project_id=${owner}`,
      `to_project_id=${project(3)}`,
      `volume_id=${probe.volumeId}`,
      'status=available',
      'availability_zone=az1',
      'avalilability_zone=az2',
      'name=backup',
      'status=available&availability_zone=az1&name=2',
    ];
    const list: string[] = [];
    const count: string[] = [];
    for (const side of ['', 'share_to_me=true']) {
      for (const filter of filters) {
        const base = [side, filter].filter(Boolean).join('&');
        count.push(base);
        for (const sortKey of SORT_KEYS) {
          for (const sortDir of ['asc', 'desc']) {
            list.push([base, `sort_key=${sortKey}`, `sort_dir=${sortDir}`, 'limit=10'].filter(Boolean).join('&'));
          }
          if (!side) list.push([base, `sort_key=${sortKey}`, 'limit=10', `marker=${probe.sharingId}`].filter(Boolean).join('&'));
        }
      }
    }
    return { list, count };
  }

  async function statementsOf(path: string): Promise<Statement[]> {
    return statementsDuring(host.dataSource, async () => {
      const response = await as(host, 'owner').get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
    });
  }

  /**
   * The table accesses of a statement, as the server plans it (the statement as sent: PostgreSQL
   * plans it with its parameters' values, as it plans the statement itself at first).
   */
  async function explain(statement: Statement): Promise<PlanStep[]> {
    if (testDatabaseKind !== 'postgres') return host.dataSource.query(`EXPLAIN ${statement.sql}`, statement.params);
    const [row] = await host.dataSource.query(`EXPLAIN (FORMAT JSON) ${statement.sql}`, statement.params);
    return postgresSteps(row['QUERY PLAN'][0].Plan);
  }

  /**
   * A plan that reads a whole table or index. A MySQL row without a table reads none (the
   * optimizer found the answer empty from a unique index: "Impossible WHERE noticed after
   * reading const tables"). PostgreSQL reads through an index in every other node type.
   */
  const scans = (plan: PlanStep) =>
    testDatabaseKind === 'postgres'
      ? plan.type === 'Seq Scan' || plan.key === null
      : plan.table !== null && (plan.type === 'ALL' || plan.type === 'index' || plan.key === null);

  beforeAll(async () => {
    host = await startTestHost({ EVENTS_DISPATCH: 'false' });
    await fill();
  }, 120_000);
  afterAll(() => host?.close());

  it('plans every list statement on an index of the scope, never a scan', async () => {
    const plans: { query: string; sql: string; table: string | null; type: string | null; key: string | null }[] = [];
    for (const query of queries().list) {
      for (const statement of await statementsOf(`${SHARING}/detail?${query}`)) {
        for (const row of await explain(statement)) plans.push({ query, sql: shapeOf(statement), table: row.table, type: row.type, key: row.key });
      }
    }
    expect(plans.length).toBeGreaterThan(200);
    expect(plans.filter(scans)).toEqual([]);
    // Both tables were read: the sharings and, for the nested backups, the host's catalog.
    const tables = testDatabaseKind === 'postgres' ? ['backup_sharings', 'backups'] : ['backup_sharings', 'backups', null];
    expect(new Set(plans.map((plan) => plan.table))).toEqual(new Set(tables));
  }, 120_000);

  it('plans every count statement on an index of the scope, never a scan', async () => {
    const plans: { query: string; sql: string; table: string | null; type: string | null; key: string | null }[] = [];
    for (const query of queries().count) {
      const statements = await statementsOf(`${SHARING}/count?${query}`);
      expect(statements).toHaveLength(1);
      for (const row of await explain(statements[0])) plans.push({ query, sql: shapeOf(statements[0]), table: row.table, type: row.type, key: row.key });
    }
    expect(plans).toHaveLength(queries().count.length);
    expect(plans.filter(scans)).toEqual([]);
  }, 120_000);

  it('would see a scan: a statement without the scope is planned as one', async () => {
    // The check can fail: the same table read without the caller's project is a full scan.
    const sql = testDatabaseKind === 'postgres' ? 'SELECT * FROM backup_sharings WHERE backup_name LIKE $1' : 'SELECT * FROM backup_sharings WHERE backup_name LIKE ?';
    const [row] = await explain({ sql, params: ['%x%'] });
    expect(scans(row)).toBe(true);
    expect(row.type).toBe(testDatabaseKind === 'postgres' ? 'Seq Scan' : 'ALL');
  });
});
