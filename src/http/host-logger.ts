import { ConsoleLogger, LogLevel, LoggerService } from '@nestjs/common';
import { JsonLineLogger } from './json-line.logger';

/**
 * The host's logger: Nest's own, as one JSON object per line (`LOG_FORMAT=json`, the default, for
 * log collectors) or in Nest's human format (`LOG_FORMAT=text`). Objects logged as messages
 * (the request lines, the 5xx causes) keep their fields in either format.
 */
export function createHostLogger(format: 'json' | 'text', logLevels: LogLevel[]): LoggerService {
  return format === 'json' ? new JsonLineLogger({ json: true, logLevels }) : new ConsoleLogger({ logLevels });
}

export function isLoggerService(value: unknown): value is LoggerService {
  return typeof (value as LoggerService | null)?.log === 'function' && typeof (value as LoggerService).error === 'function';
}
