import { ConfigError, loadConfig } from './host.config';
import { DEMO_TOKENS } from './demo-tokens';

describe('loadConfig', () => {
  it('defaults to the SQLite file, port 3000 on loopback, migrations, demo tokens and seed', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      httpAdapter: 'express',
      database: { type: 'sqlite', path: 'data/block-storage.sqlite', durability: { journalMode: 'wal', synchronous: 'normal' } },
      migrate: true,
      demoSeed: true,
      auth: { strategy: 'static', tokens: DEMO_TOKENS, demoTokens: true },
    });
  });

  it('reads a MySQL URL and its database', () => {
    const config = loadConfig({ DATABASE_URL: 'mysql://root:pw@db:3306/block_storage' });
    expect(config.database).toEqual({ type: 'mysql', url: 'mysql://root:pw@db:3306/block_storage', database: 'block_storage' });
  });

  it.each(['postgres', 'postgresql'])('reads a PostgreSQL URL (%s://) and its database', (scheme) => {
    const url = `${scheme}://app:p%40ss@db:5432/block_storage`;
    expect(loadConfig({ DATABASE_URL: url }).database).toEqual({ type: 'postgres', url, database: 'block_storage' });
  });

  it('serves on Fastify with HTTP_ADAPTER=fastify, any case', () => {
    expect(loadConfig({ HTTP_ADAPTER: 'fastify' }).httpAdapter).toBe('fastify');
    expect(loadConfig({ HTTP_ADAPTER: 'Express' }).httpAdapter).toBe('express');
  });

  it('takes the public address and the trusted proxies', () => {
    expect(loadConfig({}).publicAddress).toEqual({ publicBaseUrl: undefined, trustProxy: false });
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://bs.example.org/api/', TRUST_PROXY: 'loopback, 10.0.0.0/8' }).publicAddress).toEqual({
      publicBaseUrl: 'https://bs.example.org/api/',
      trustProxy: 'loopback, 10.0.0.0/8',
    });
    expect(loadConfig({ TRUST_PROXY: 'TRUE' }).publicAddress.trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'false' }).publicAddress.trustProxy).toBe(false);
  });

  it('takes the SQLite journal and sync modes', () => {
    expect(loadConfig({ SQLITE_JOURNAL_MODE: 'DELETE', SQLITE_SYNCHRONOUS: 'full' }).database).toEqual({
      type: 'sqlite',
      path: 'data/block-storage.sqlite',
      durability: { journalMode: 'delete', synchronous: 'full' },
    });
  });

  it('takes static tokens from AUTH_STATIC_TOKENS', () => {
    const tokens = { t1: { project_id: 'p1', roles: ['member'] } };
    const config = loadConfig({ AUTH_STATIC_TOKENS: JSON.stringify(tokens) });
    expect(config.auth).toEqual({ strategy: 'static', tokens, demoTokens: false });
  });

  it('refuses production with static auth and no tokens, saying why', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_STATIC_TOKENS/);
  });

  it('turns the demo seed off in production', () => {
    const config = loadConfig({ NODE_ENV: 'production', AUTH_STATIC_TOKENS: '{"t":{"project_id":"p"}}' });
    expect(config.demoSeed).toBe(false);
  });

  it.each([
    [{ DATABASE_URL: 'oracle://x/y' }, /DATABASE_URL must start with sqlite:, mysql:\/\/, postgres:\/\//],
    [{ DATABASE_URL: 'mysql://root@host:3306/' }, /must name a database: mysql:\/\//],
    [{ DATABASE_URL: 'postgres://app@host:5432' }, /must name a database: postgres:\/\//],
    [{ DATABASE_URL: 'postgresql://app@[bad/db' }, /not a valid URL: use postgresql:\/\//],
    [{ DATABASE_URL: 'sqlite:' }, /file path/],
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ DB_MIGRATE: 'perhaps' }, /DB_MIGRATE/],
    [{ HTTP_ADAPTER: 'koa' }, /HTTP_ADAPTER must be express or fastify/],
    [{ AUTH_STATIC_TOKENS: '{not json' }, /not valid JSON/],
    [{ AUTH_STATIC_TOKENS: '{"t":{"roles":["admin"]}}' }, /project_id/],
    [{ AUTH_STATIC_TOKENS: '[]' }, /JSON object/],
    [{ PUBLIC_BASE_URL: 'block-storage.example.org' }, /PUBLIC_BASE_URL/],
    [{ PUBLIC_BASE_URL: 'ftp://block-storage.example.org' }, /http:\/\/ or https:\/\//],
    [{ PUBLIC_BASE_URL: 'https://user:pw@block-storage.example.org' }, /without user/],
    [{ PUBLIC_BASE_URL: 'https://block-storage.example.org/?x=1' }, /query/],
    [{ TRUST_PROXY: 'my-proxy' }, /TRUST_PROXY/],
    [{ TRUST_PROXY: '10.0.0.0/33' }, /TRUST_PROXY/],
    [{ SQLITE_JOURNAL_MODE: 'truncate' }, /SQLITE_JOURNAL_MODE must be wal or delete/],
    [{ SQLITE_SYNCHRONOUS: 'off' }, /SQLITE_SYNCHRONOUS must be normal or full/],
  ])('rejects %j with a message naming the problem', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
