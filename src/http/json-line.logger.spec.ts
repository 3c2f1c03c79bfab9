import { ConsoleLogger } from '@nestjs/common';
import { JsonLineLogger } from './json-line.logger';

/** The lines a logger writes to stdout and stderr while `log` runs, with the clock held still. */
function linesOf(logger: ConsoleLogger, log: (logger: ConsoleLogger) => void): string[] {
  const lines: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => lines.push(`out ${String(chunk)}`) > 0);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => lines.push(`err ${String(chunk)}`) > 0);
  const now = jest.spyOn(Date, 'now').mockReturnValue(1_764_000_000_000);
  try {
    log(logger);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    now.mockRestore();
  }
  return lines;
}

function sameAsNest(log: (logger: ConsoleLogger) => void): void {
  const nest = linesOf(new ConsoleLogger({ json: true }), log);
  expect(nest).toHaveLength(1);
  expect(linesOf(new JsonLineLogger({ json: true }), log)).toEqual(nest);
}

describe('JsonLineLogger', () => {
  it('writes a request line exactly as Nest JSON logger does', () => {
    const line = { request_id: 'req-1', method: 'GET', path: '/v2/p/x', status: 200, duration_ms: 1.25, aborted: true, error: null };
    sameAsNest((logger) => logger.log(line, 'HTTP'));
    sameAsNest((logger) => logger.warn({ status: 404, note: 'ünïcode "quoted" \n' }, 'HTTP'));
    sameAsNest((logger) => logger.log({ a: undefined, b: Number.NaN, c: Infinity }));
  });

  it('writes a record through logRecord exactly as Nest writes it through log, and not below its levels', () => {
    const line = { request_id: 'req-3', method: 'DELETE', path: '/v2/p/x', status: 404, duration_ms: 0.5, trace_id: 'ab'.repeat(16) };
    const nest = linesOf(new ConsoleLogger({ json: true }), (logger) => logger.log(line, 'HTTP'));
    expect(linesOf(new JsonLineLogger({ json: true }), (logger) => (logger as JsonLineLogger).logRecord(line, 'HTTP'))).toEqual(nest);
    expect(linesOf(new JsonLineLogger({ json: true, logLevels: ['error', 'warn'] }), (logger) => (logger as JsonLineLogger).logRecord(line, 'HTTP'))).toEqual([]);
  });

  it('leaves everything else to Nest: strings, nested objects, errors with stacks, odd values', () => {
    sameAsNest((logger) => logger.log('Block storage API listening', 'Bootstrap'));
    sameAsNest((logger) => logger.error({ request_id: 'req-2', cause: { code: 'ECONNREFUSED' } }, 'stack line', 'BackupSharing'));
    sameAsNest((logger) => logger.log({ big: BigInt(10), when: new Date(0), errors: new Set([1]) }));
    sameAsNest((logger) => logger.log({ long: 'x'.repeat(70 * 1024) }));
  });
});
