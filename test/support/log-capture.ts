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
  readonly log = this.recorder('log');
  readonly error = this.recorder('error');
  readonly warn = this.recorder('warn');
  readonly debug = this.recorder('debug');
  readonly verbose = this.recorder('verbose');
  readonly fatal = this.recorder('fatal');

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

  private recorder(level: string) {
    return (message: unknown, ...rest: unknown[]): void => {
      this.entries.push({ level, message, rest });
    };
  }
}
