import { ConsoleLogger, LogLevel, Logger, LoggerService } from '@nestjs/common';
import type { RequestLineLogger } from './request-log.middleware';
import { HostLogLevel, LOG_LEVELS } from '../config/edge.config';
import { JsonLineLogger } from './json-line.logger';

/**
 * Nest's own start-up detail: a line per module initialized and per route mapped (about 30), and
 * "successfully started" just before the host's ready block. Written at debug level, so that the
 * lines a person reads at start are the ready block and what went wrong; `LOG_LEVEL=debug` shows
 * them again.
 */
const FRAMEWORK_DETAIL = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

// A mixin's base must take `any[]` (TypeScript's rule for mixin constructors).
type LoggerClass = new (...args: any[]) => ConsoleLogger;

function withFrameworkDetailAtDebug<T extends LoggerClass>(Base: T): T {
  return class extends Base {
    override log(message: unknown, ...optionalParams: unknown[]): void {
      const context = optionalParams[optionalParams.length - 1];
      if (typeof context === 'string' && FRAMEWORK_DETAIL.has(context)) this.debug(message, ...optionalParams);
      else super.log(message, ...optionalParams);
    }
  };
}

const TextLogger = withFrameworkDetailAtDebug(ConsoleLogger);
const JsonLogger = withFrameworkDetailAtDebug(JsonLineLogger);

/** `LOG_LEVEL` and every level more severe than it. */
export function logLevelsFrom(lowest: HostLogLevel): LogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(lowest) + 1);
}

/**
 * The host's logger: Nest's own, as one JSON object per line (`LOG_FORMAT=json`, for log
 * collectors) or in Nest's human format (`LOG_FORMAT=text`). Objects logged as messages (the
 * request lines, the 5xx causes) keep their fields in either format.
 */
export function createHostLogger(format: 'json' | 'text', logLevels: LogLevel[]): LoggerService {
  return format === 'json' ? new JsonLogger({ json: true, logLevels }) : new TextLogger({ logLevels });
}

export function isLoggerService(value: unknown): value is LoggerService {
  return typeof (value as LoggerService | null)?.log === 'function' && typeof (value as LoggerService).error === 'function';
}

/**
 * The request lines' logger: the host's JSON logger directly (`logRecord`), any other logger (text,
 * one a test or an embedding app passes, none) through Nest's `Logger` as context `HTTP`.
 */
export function requestLineLogger(logger: LoggerService | false | undefined): RequestLineLogger {
  if (logger instanceof JsonLineLogger) return { log: (line) => logger.logRecord(line, 'HTTP') };
  return new Logger('HTTP');
}
