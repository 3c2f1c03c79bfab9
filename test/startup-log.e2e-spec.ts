import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostProcess, buildHost, startHostProcess } from './support/host-process';
import { DEMO_BACKUPS, DEMO_PROJECTS } from './support/test-host';

// What a person sees when `npm start` comes up: the ready block, and not Nest's route mapping
// unless LOG_LEVEL=debug asks for it. Real host processes on a fresh SQLite file.

describe('the start-up log of node dist/src/main.js', () => {
  let folder: string;
  const started: HostProcess[] = [];
  const start = async (env: Record<string, string>) => {
    const host = await startHostProcess({ DATABASE_URL: `sqlite:${join(folder, `${started.length}.sqlite`)}`, DEMO_SEED: 'true', ...env });
    started.push(host);
    // The ready block is one log call: once its last line is out, the start-up is over.
    await host.waitForOutput(/Reset {9}.*|"event":"ready".*\n/);
    return host;
  };

  beforeAll(() => {
    buildHost();
    folder = mkdtempSync(join(tmpdir(), 'backup-sharing-startup-log-'));
  }, 180_000);
  afterAll(async () => {
    await Promise.all(started.map((host) => host.stop()));
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('as text: one ready block with URL, Swagger UI, database, migrations, auth, demo tokens and data; no route lines', async () => {
    const host = await start({ LOG_FORMAT: 'text', DEMO_SEED_SHARING: 'true' });
    const output = host.output();
    const block = output.slice(output.indexOf('Ready: '));
    const file = join(folder, '0.sqlite');
    expect(block).toMatch(new RegExp(`^Ready: Block storage API listening on ${host.url}; Swagger UI at ${host.url}/docs\\n`));
    for (const line of [
      `  Swagger UI    ${host.url}/docs  (Authorize with owner-token)`,
      `  Database      SQLite, file ${file}`,
      '  Migrations    4 applied (latest CreateBackupSharingGuards1764500000000), none pending',
      '  Auth          static tokens (built-in demo tokens)',
      `  Reset         stop, delete ${file}*, start again`,
    ]) {
      expect(block).toContain(line);
    }
    expect(block).toMatch(new RegExp(`Demo tokens +X-Auth-Token: owner-token +project ${DEMO_PROJECTS.owner} \\(member\\)`));
    expect(block).toContain(`${DEMO_BACKUPS.encrypted}  keys-encrypted`);
    expect(block).toMatch(/Demo sharing +[0-9a-f-]{36}  app-shared -> recipient project/);
    expect(output.match(/Ready: /g)).toHaveLength(1);
    expect(output).not.toContain('Mapped {');
    expect(output).not.toContain('dependencies initialized');
  });

  it('LOG_LEVEL=debug adds Nest\'s route mapping, at debug level; JSON keeps one record per line', async () => {
    const host = await start({ LOG_FORMAT: 'json', LOG_LEVEL: 'debug' });
    const lines = host
      .output()
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as { level: string; context?: string; message: unknown });
    const mapped = lines.filter((line) => line.context === 'RouterExplorer');
    expect(mapped.length).toBeGreaterThan(10);
    expect(new Set(mapped.map((line) => line.level))).toEqual(new Set(['debug']));
    const [ready] = lines.filter((line) => (line.message as { event?: string }).event === 'ready');
    expect(ready).toMatchObject({
      level: 'log',
      context: 'Bootstrap',
      message: { url: host.url, database: { kind: 'SQLite' }, migrations: { applied: 4, pending: [] }, http_server: expect.any(String) },
    });
  });
});
