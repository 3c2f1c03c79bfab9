import { LoggerService } from '@nestjs/common';

export interface LogEntry {
  level: string;
  message: unknown;
  /** Everything else the logger was given: stack, context. */
  rest: unknown[];
}

/** A Nest logger that keeps what the host logs, for tests that read the operator's view. */
export class LogCapture implements LoggerService {
  readonly entries: LogEntry[] = [];

  log(message: unknown, ...rest: unknown[]): void {
    this.entries.push({ level: 'log', message, rest });
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.entries.push({ level: 'error', message, rest });
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.entries.push({ level: 'warn', message, rest });
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.entries.push({ level: 'debug', message, rest });
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.entries.push({ level: 'verbose', message, rest });
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.entries.push({ level: 'fatal', message, rest });
  }

  /** Structured messages (objects) that carry this request ID. */
  ofRequest(requestId: string): { level: string; message: Record<string, unknown>; rest: unknown[] }[] {
    return this.entries
      .filter((entry) => typeof entry.message === 'object' && entry.message !== null)
      .map((entry) => entry as { level: string; message: Record<string, unknown>; rest: unknown[] })
      .filter((entry) => entry.message.request_id === requestId);
  }

  /** Everything logged, as one string: to prove what never appears in it. */
  text(): string {
    return JSON.stringify(this.entries);
  }
}
