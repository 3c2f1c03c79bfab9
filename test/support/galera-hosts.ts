import { randomBytes } from 'node:crypto';
import { Connection, createConnection } from 'mysql2/promise';
import { LoggerService } from '@nestjs/common';
import { GALERA_NODES, GaleraNode, galeraUrls } from './galera-cluster';
import { TestDatabase } from './test-database';
import { TestHost, startAtOnce, startTestHost } from './test-host';
import { Query } from './sharing-races';

/** A database on the cluster for one test file, and node N's URL of it. */
export interface GaleraDatabase extends TestDatabase {
  urlOn(node: GaleraNode): string;
}

export async function createGaleraDatabase(): Promise<GaleraDatabase> {
  const name = `backup_sharing_galera_${randomBytes(4).toString('hex')}`;
  const urls = galeraUrls();
  const admin = await createConnection({ uri: urls[0] });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  // The other nodes apply the CREATE a moment later: a connection to one of them at once may find
  // no such database. A causal read on each waits until it has.
  for (const url of urls.slice(1)) {
    const node = await createConnection({ uri: url });
    try {
      await node.query('SET SESSION wsrep_sync_wait = 1');
      const [rows] = await node.query('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [name]);
      if ((rows as unknown[]).length !== 1) throw new Error(`${url}: database ${name} not there after a causal read`);
    } finally {
      await node.end();
    }
  }
  const urlOn = (node: GaleraNode) => {
    const url = new URL(urls[node - 1]);
    url.pathname = `/${name}`;
    return url.toString();
  };
  return {
    url: urlOn(1),
    kind: 'mysql',
    urlOn,
    drop: async () => {
      // Through any node that answers: a test may have left one down.
      for (const url of urls) {
        try {
          const connection = await createConnection({ uri: url, connectTimeout: 3000 });
          await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
          await connection.end();
          return;
        } catch {
          // the next node
        }
      }
    },
  };
}

/** A demo host on each node of the cluster, all on `database`; started at once. */
export function startHostsOnEveryNode(
  database: GaleraDatabase,
  env: Record<string, string> = {},
  logger?: (node: GaleraNode) => LoggerService,
): Promise<TestHost[]> {
  return startAtOnce(GALERA_NODES.map((node) => () => startTestHost(env, { database, routeDatabase: () => database.urlOn(node), logger: logger?.(node) })));
}

/**
 * Reads the database causally on node N (`wsrep_sync_wait = 1`): what the cluster has committed,
 * whatever that node has applied yet. For the checks of the tests, not the hosts'.
 */
export async function causalQuery(database: GaleraDatabase, node: GaleraNode): Promise<{ query: Query; close(): Promise<void> }> {
  const connection: Connection = await createConnection({ uri: database.urlOn(node) });
  await connection.query('SET SESSION wsrep_sync_wait = 1');
  return {
    query: async (sql, params = []) => (await connection.query(sql, params))[0] as Record<string, unknown>[],
    close: () => connection.end(),
  };
}
