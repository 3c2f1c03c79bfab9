import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { DEMO_BACKUPS, DEMO_BACKUP_NOTES } from '../backups/demo-seed';
import { DEMO_TOKENS } from '../config/demo-tokens';
import { DatabaseConfig, HostConfig } from '../config/host.config';
import { describeAuth } from '../config/token-verifier.factory';

export interface MigrationState {
  applied: string[];
  pending: string[];
}

/** What the host tells a person once it answers: where it is, what it runs on, how to get in. */
export interface ReadyFacts {
  url: string;
  config: HostConfig;
  migrations: MigrationState;
  /** The active demo sharing, when the demo seed made one. */
  demoSharingId?: string;
}

const KIND: Record<DatabaseConfig['type'], string> = { sqlite: 'SQLite', mysql: 'MySQL/MariaDB', postgres: 'PostgreSQL' };
const DEFAULT_PORT: Record<string, string> = { mysql: '3306', postgres: '5432' };

/** The database's kind and place: a file, or server, database and user. Never a password. */
export function describeDatabase(database: DatabaseConfig): { kind: string; place: string } {
  if (database.type === 'sqlite') {
    return { kind: KIND.sqlite, place: database.path === ':memory:' ? 'in memory (gone when the process exits)' : `file ${resolve(database.path)}` };
  }
  const url = new URL(database.url);
  const user = url.username ? `, user ${decodeURIComponent(url.username)}` : '';
  return { kind: KIND[database.type], place: `${url.hostname}:${url.port || DEFAULT_PORT[database.type]}, database ${database.database}${user}` };
}

/**
 * The migrations recorded in the database and those of the build not recorded yet. Read only: with
 * DB_MIGRATE=false the table may not exist, and nothing here creates it.
 */
export async function migrationState(dataSource: DataSource): Promise<MigrationState> {
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const queryRunner = dataSource.createQueryRunner();
  try {
    const rows: { name: string }[] = (await queryRunner.hasTable(table)) ? await queryRunner.query(`SELECT name FROM ${table}`) : [];
    const recorded = new Set(rows.map((row) => row.name));
    const known = dataSource.migrations.map((migration) => migration.name ?? migration.constructor.name);
    return { applied: known.filter((name) => recorded.has(name)), pending: known.filter((name) => !recorded.has(name)) };
  } finally {
    await queryRunner.release();
  }
}

function describeMigrations({ applied, pending }: MigrationState, migrate: boolean): string {
  const done = `${applied.length} applied${applied.length ? ` (latest ${applied[applied.length - 1]})` : ''}`;
  if (!pending.length) return `${done}, none pending`;
  return `${done}, ${pending.length} pending: ${pending.join(', ')}${migrate ? '' : ' (DB_MIGRATE=false: run them before use)'}`;
}

const demoTokens = () =>
  Object.entries(DEMO_TOKENS).map(([token, entry]) => ({ token, project_id: entry.project_id, roles: entry.roles ?? [] }));

/** The ready block as one record (JSON logs): one line a collector can parse. */
export function readyRecord({ url, config, migrations, demoSharingId }: ReadyFacts): Record<string, unknown> {
  const demo = config.auth.strategy === 'static' && config.auth.demoTokens;
  return {
    event: 'ready',
    // The words a person (and a test waiting for the start) looks for.
    summary: `Block storage API listening on ${url}; Swagger UI at ${url}/docs`,
    url,
    swagger_ui: `${url}/docs`,
    openapi: `${url}/docs-json`,
    database: describeDatabase(config.database),
    migrations: { applied: migrations.applied.length, pending: migrations.pending, summary: describeMigrations(migrations, config.migrate) },
    http_server: config.httpAdapter,
    auth: describeAuth(config.auth),
    ...(demo ? { demo_tokens: demoTokens() } : {}),
    ...(config.demoSeed ? { demo_backups: DEMO_BACKUPS } : {}),
    ...(demoSharingId ? { demo_sharing: demoSharingId } : {}),
  };
}

/** The ready block as text (a terminal): a heading line, then one aligned line per fact. */
export function readyText(facts: ReadyFacts): string {
  const record = readyRecord(facts);
  const database = record.database as { kind: string; place: string };
  const rows: [string, string][] = [
    ['Swagger UI', `${record.swagger_ui}${record.demo_tokens ? '  (Authorize with owner-token)' : ''}`],
    ['OpenAPI', String(record.openapi)],
    ['Database', `${database.kind}, ${database.place}`],
    ['Migrations', describeMigrations(facts.migrations, facts.config.migrate)],
    ['HTTP server', facts.config.httpAdapter === 'fastify' ? 'Fastify' : 'Express'],
    ['Auth', String(record.auth)],
  ];
  for (const [index, entry] of demoTokens().entries()) {
    if (!record.demo_tokens) break;
    rows.push([index === 0 ? 'Demo tokens' : '', `X-Auth-Token: ${entry.token.padEnd(16)} project ${entry.project_id} (${entry.roles.join(', ')})`]);
  }
  if (record.demo_backups) {
    const notes = Object.entries(DEMO_BACKUPS).map(([key, id]) => `${id}  ${DEMO_BACKUP_NOTES[key as keyof typeof DEMO_BACKUPS]}`);
    notes.forEach((note, index) => rows.push([index === 0 ? 'Demo backups' : '', note]));
  }
  if (facts.demoSharingId) rows.push(['Demo sharing', `${facts.demoSharingId}  app-shared -> recipient project`]);
  rows.push(['Reset', facts.config.database.type === 'sqlite' && facts.config.database.path !== ':memory:' ? `stop, delete ${resolve(facts.config.database.path)}*, start again` : 'start on an empty database']);
  return [`Ready: ${record.summary}`, ...rows.map(([label, value]) => `  ${label.padEnd(13)} ${value}`)].join('\n');
}
