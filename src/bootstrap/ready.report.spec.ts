import { loadConfig } from '../config/host.config';
import { describeDatabase, readyRecord, readyText } from './ready.report';

const migrations = { applied: ['CreateBackups1764200000000', 'CreateBackupSharings1764300000000'], pending: [] };

describe('the ready block', () => {
  it('names the database by kind and place, never with its password', () => {
    expect(describeDatabase(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).database)).toEqual({ kind: 'SQLite', place: 'in memory (gone when the process exits)' });
    expect(describeDatabase(loadConfig({ DATABASE_URL: 'sqlite:/tmp/x/demo.sqlite' }).database).place).toBe('file /tmp/x/demo.sqlite');
    const mysql = describeDatabase(loadConfig({ DATABASE_URL: 'mysql://root:s3cret@db.example:3307/block_storage' }).database);
    expect(mysql).toEqual({ kind: 'MySQL/MariaDB', place: 'db.example:3307, database block_storage, user root' });
    const postgres = describeDatabase(loadConfig({ DATABASE_URL: 'postgres://app:p%40ss@pg/bs' }).database);
    expect(postgres).toEqual({ kind: 'PostgreSQL', place: 'pg:5432, database bs, user app' });
    expect(JSON.stringify([mysql, postgres])).not.toMatch(/s3cret|p%40ss|p@ss/);
  });

  it('as text: the URL first, then Swagger UI, database, migrations, auth and the demo tokens', () => {
    const config = loadConfig({ DATABASE_URL: 'mysql://root:s3cret@127.0.0.1:3306/bs', LOG_FORMAT: 'text' });
    const text = readyText({ url: 'http://127.0.0.1:3000', config, migrations });
    const lines = text.split('\n');
    expect(lines[0]).toBe('Ready: Block storage API listening on http://127.0.0.1:3000; Swagger UI at http://127.0.0.1:3000/docs');
    expect(text).toContain('Swagger UI    http://127.0.0.1:3000/docs');
    expect(text).toContain('Database      MySQL/MariaDB, 127.0.0.1:3306, database bs, user root');
    expect(text).toContain('Migrations    2 applied (latest CreateBackupSharings1764300000000), none pending');
    expect(text).toContain('Auth          static tokens (built-in demo tokens)');
    expect(text).toMatch(/Demo tokens +X-Auth-Token: owner-token +project c13f5220dc1949b0b741ea81a7cd5554 \(member\)/);
    expect(text).toContain('066b1e37-9305-4057-97e5-2e99b21fc71d');
    expect(text).not.toContain('s3cret');
  });

  it('as one record: the same facts as fields; no demo tokens when the host has real ones', () => {
    const config = loadConfig({
      DATABASE_URL: 'sqlite::memory:',
      DB_MIGRATE: 'false',
      DEMO_SEED: 'false',
      AUTH_STATIC_TOKENS: '{"t":{"project_id":"p1","roles":["member"]}}',
    });
    const record = readyRecord({ url: 'http://localhost:3000', config, migrations: { applied: [], pending: ['CreateBackups1764200000000'] } });
    expect(record).toEqual({
      event: 'ready',
      summary: 'Block storage API listening on http://localhost:3000; Swagger UI at http://localhost:3000/docs',
      url: 'http://localhost:3000',
      swagger_ui: 'http://localhost:3000/docs',
      openapi: 'http://localhost:3000/docs-json',
      database: { kind: 'SQLite', place: 'in memory (gone when the process exits)' },
      migrations: {
        applied: 0,
        pending: ['CreateBackups1764200000000'],
        summary: '0 applied, 1 pending: CreateBackups1764200000000 (DB_MIGRATE=false: run them before use)',
      },
      http_server: 'express',
      auth: 'static tokens (AUTH_STATIC_TOKENS)',
    });
  });
});
