import { ConfigError, loadConfig } from './host.config';
import { parseByteSize } from './edge.config';

describe('edge limits from the environment', () => {
  it('has defaults: 64 KiB bodies, 30 s to send a request, 5 s to connect, 15 s per statement, cancel-all on, JSON logs', () => {
    expect(loadConfig({}).edge).toEqual({
      bodyLimitBytes: 65_536,
      requestTimeoutMs: 30_000,
      dbConnectTimeoutMs: 5_000,
      dbStatementTimeoutMs: 15_000,
      cancelAllEnabled: true,
      logFormat: 'json',
    });
  });

  it('reads every variable', () => {
    const edge = loadConfig({
      BODY_LIMIT: '1mb',
      REQUEST_TIMEOUT_MS: '500',
      DB_CONNECT_TIMEOUT_MS: '0',
      DB_STATEMENT_TIMEOUT_MS: '2500',
      CANCEL_ALL_ENABLED: 'false',
      LOG_FORMAT: 'text',
    }).edge;
    expect(edge).toEqual({
      bodyLimitBytes: 1024 * 1024,
      requestTimeoutMs: 500,
      dbConnectTimeoutMs: 0,
      dbStatementTimeoutMs: 2500,
      cancelAllEnabled: false,
      logFormat: 'text',
    });
  });

  it.each([
    ['65536', 65_536],
    ['64kb', 65_536],
    ['64KiB', 65_536],
    ['2 mb', 2 * 1024 * 1024],
  ])('BODY_LIMIT=%s is %i bytes', (raw, bytes) => expect(parseByteSize('BODY_LIMIT', raw)).toBe(bytes));

  it.each([
    { BODY_LIMIT: '0' },
    { BODY_LIMIT: '64gb' },
    { BODY_LIMIT: 'lots' },
    { REQUEST_TIMEOUT_MS: '10' },
    { DB_STATEMENT_TIMEOUT_MS: '-1' },
    { CANCEL_ALL_ENABLED: 'maybe' },
    { LOG_FORMAT: 'xml' },
  ])('refuses %p with a message naming the variable', (env) => {
    const [name] = Object.keys(env);
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});
