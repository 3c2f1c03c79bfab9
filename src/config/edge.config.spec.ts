import { ConfigError, loadConfig } from './host.config';
import { loadEdgeConfig, parseByteSize } from './edge.config';

const integer = (env: NodeJS.ProcessEnv) => (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
const boolean = (env: NodeJS.ProcessEnv) => (name: string, fallback: boolean) => (env[name] ? env[name] === 'true' : fallback);
const edgeOf = (env: NodeJS.ProcessEnv, stdoutIsTerminal: boolean) => loadEdgeConfig(env, integer(env), boolean(env), stdoutIsTerminal);

describe('edge limits from the environment', () => {
  it('has defaults: 64 KiB bodies, 30 s to send a request, 5 s to connect, 15 s per statement, cancel-all on, log level log', () => {
    expect(loadConfig({}).edge).toEqual({
      bodyLimitBytes: 65_536,
      requestTimeoutMs: 30_000,
      dbConnectTimeoutMs: 5_000,
      dbStatementTimeoutMs: 15_000,
      cancelAllEnabled: true,
      logFormat: process.stdout.isTTY ? 'text' : 'json',
      logLevel: 'log',
    });
  });

  it('logs text to a terminal and JSON to anything else, unless LOG_FORMAT says otherwise', () => {
    expect(edgeOf({}, true).logFormat).toBe('text');
    expect(edgeOf({}, false).logFormat).toBe('json');
    expect(edgeOf({ LOG_FORMAT: 'json' }, true).logFormat).toBe('json');
    expect(edgeOf({ LOG_FORMAT: 'TEXT' }, false).logFormat).toBe('text');
  });

  it('reads every variable', () => {
    const edge = loadConfig({
      BODY_LIMIT: '1mb',
      REQUEST_TIMEOUT_MS: '500',
      DB_CONNECT_TIMEOUT_MS: '0',
      DB_STATEMENT_TIMEOUT_MS: '2500',
      CANCEL_ALL_ENABLED: 'false',
      LOG_FORMAT: 'text',
      LOG_LEVEL: 'debug',
    }).edge;
    expect(edge).toEqual({
      bodyLimitBytes: 1024 * 1024,
      requestTimeoutMs: 500,
      dbConnectTimeoutMs: 0,
      dbStatementTimeoutMs: 2500,
      cancelAllEnabled: false,
      logFormat: 'text',
      logLevel: 'debug',
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
    { LOG_LEVEL: 'info' },
  ])('refuses %p with a message naming the variable', (env) => {
    const [name] = Object.keys(env);
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});
