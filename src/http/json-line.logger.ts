import { ConsoleLogger, LogLevel } from '@nestjs/common';

interface JsonPrintOptions {
  context: string;
  logLevel: LogLevel;
  writeStreamType?: 'stdout' | 'stderr';
  errorStack?: unknown;
}

/** Far below Nest's 1,000,000-character cut, past which it truncates: such lines take its path. */
const FAST_PATH_CHARACTERS = 64 * 1024;

/**
 * A flat record of strings, numbers, booleans and nulls (a request log line): JSON.stringify
 * writes it exactly as Nest's guarded serializer would, with nothing to guard against.
 */
function isFlatRecord(message: unknown): message is Record<string, string | number | boolean | null | undefined> {
  if (typeof message !== 'object' || message === null || Object.getPrototypeOf(message) !== Object.prototype) return false;
  let characters = 0;
  for (const key in message) {
    const value = (message as Record<string, unknown>)[key];
    if (typeof value === 'string') characters += value.length;
    else if (value !== null && value !== undefined && typeof value !== 'number' && typeof value !== 'boolean') return false;
  }
  return characters < FAST_PATH_CHARACTERS;
}

/**
 * Nest's JSON console logger, writing the same lines. Its serializer guards against huge,
 * circular and odd values with a replacer called for every key, which made the one log line
 * of each request a few per cent of the CPU an answer costs; a flat record (the request line)
 * needs no guard and is written with plain `JSON.stringify`. Everything else takes Nest's path.
 */
export class JsonLineLogger extends ConsoleLogger {
  /**
   * A flat record at level `log` (a request's line), written as `log(record, context)` writes it,
   * without the steps a message of any shape takes first (one line per request).
   */
  logRecord(record: object, context: string): void {
    if (!this.isLevelEnabled('log')) return;
    if (this.options.forceConsole || this.options.colors) return this.log(record, context);
    process.stdout.write(`${JSON.stringify(this.getJsonLogObject(record, { context, logLevel: 'log' }))}\n`);
  }

  protected override printAsJson(message: unknown, options: JsonPrintOptions): void {
    if (options.errorStack !== undefined || this.options.forceConsole || this.options.colors || !isFlatRecord(message)) {
      return super.printAsJson(message, options);
    }
    process[options.writeStreamType ?? 'stdout'].write(`${JSON.stringify(this.getJsonLogObject(message, options))}\n`);
  }
}
