import { assignRequestId } from '../../libs/backup-sharing/src';

interface NodeRequest {
  method?: string;
  originalUrl?: string;
  url?: string;
}
interface NodeResponse {
  statusCode: number;
  writableFinished?: boolean;
  setHeader(name: string, value: string): unknown;
  once(event: 'close', listener: () => void): unknown;
}

/** Set on a response the server edge answered itself (see `http-edge.ts`), which logs it too. */
export const ANSWERED_AT_EDGE = Symbol.for('block-storage.answered-at-edge');

/** The path of a request URL, without its query (which the log does not need to carry). */
export function pathOf(url: string | undefined): string {
  return (url ?? '/').split(/[?#]/)[0];
}

/** One log line for a request: who (request ID), what, the answer and how long it took. */
export interface RequestLogLine {
  request_id: string;
  method: string | null;
  path: string | null;
  status: number;
  /** null for answers the server edge gave before the request was complete. */
  duration_ms: number | null;
  /** The connection closed before the answer was sent in full. */
  aborted?: true;
  /** The request's trace (W3C trace ID, the caller's `traceparent` one if it sent one). */
  trace_id?: string;
}

/** What writes the request lines (`requestLogMiddleware`, the server edge's own answers). */
export interface RequestLineLogger {
  log(line: RequestLogLine): void;
}

export function durationSince(started: bigint): number {
  return Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100;
}

/**
 * Gives every request its ID and logs one structured line when its answer is done (unknown
 * paths and errors included), or when the client went away first (`aborted`), with the trace ID
 * `traceIdOf` knows for it. Headers are never logged, so neither is a token.
 */
export function requestLogMiddleware(logger: RequestLineLogger, traceIdOf: (request: NodeRequest) => string | undefined = () => undefined) {
  return (request: NodeRequest, response: NodeResponse, next: () => void): void => {
    const requestId = assignRequestId(request, response);
    const started = process.hrtime.bigint();
    response.once('close', () => {
      if ((response as unknown as Record<symbol, unknown>)[ANSWERED_AT_EDGE]) return;
      const line: RequestLogLine = {
        request_id: requestId,
        method: request.method ?? null,
        path: pathOf(request.originalUrl ?? request.url),
        status: response.statusCode,
        duration_ms: durationSince(started),
      };
      if (!response.writableFinished) line.aborted = true;
      const traceId = traceIdOf(request);
      if (traceId) line.trace_id = traceId;
      logger.log(line);
    });
    next();
  };
}
