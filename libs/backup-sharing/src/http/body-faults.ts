/** The message of each body fault: one wording, whichever parser found the problem. */
export const BODY_FAULT_MESSAGES = {
  tooLarge: 'The request body is larger than this service accepts.',
  malformed: 'The request body is not valid JSON.',
  notObject: 'The request body must be a JSON object.',
  prototypeKeys: 'The request body must not contain the key "__proto__", nor "constructor" holding "prototype".',
  charset: 'The request body must be JSON in UTF-8: no charset, or charset=utf-8.',
  aborted: 'The request body ended before its announced length.',
} as const;

const TOO_LARGE = { status: 413, message: BODY_FAULT_MESSAGES.tooLarge };
const MALFORMED = { status: 400, message: BODY_FAULT_MESSAGES.malformed };
const CHARSET = { status: 415, message: BODY_FAULT_MESSAGES.charset };
const ABORTED = { status: 400, message: BODY_FAULT_MESSAGES.aborted };

/**
 * The errors body parsers raise before any route, by body-parser's `type` (Express) and by
 * Fastify's `code`: a host that keeps its adapter's own parser still answers each problem with
 * the same status and message on both.
 */
const BODY_ERRORS: Readonly<Record<string, { status: number; message: string }>> = {
  'entity.too.large': TOO_LARGE,
  'entity.parse.failed': MALFORMED,
  'entity.verify.failed': MALFORMED,
  'charset.unsupported': CHARSET,
  'encoding.unsupported': CHARSET,
  'request.aborted': ABORTED,
  'request.size.invalid': ABORTED,
  FST_ERR_CTP_BODY_TOO_LARGE: TOO_LARGE,
  FST_ERR_CTP_INVALID_JSON_BODY: MALFORMED,
  FST_ERR_CTP_EMPTY_JSON_BODY: MALFORMED,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ABORTED,
};

/** The status and message of a body parser's error, or `undefined` for any other value. */
export function bodyFaultOf(error: unknown): { status: number; message: string } | undefined {
  const candidate = error as { type?: unknown; code?: unknown } | null;
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const key = typeof candidate.type === 'string' ? candidate.type : typeof candidate.code === 'string' ? candidate.code : undefined;
  if (key !== undefined && BODY_ERRORS[key]) return BODY_ERRORS[key];
  // Fastify's JSON parser raises a plain SyntaxError with a 400 status.
  if (error instanceof SyntaxError && (candidate as { statusCode?: unknown }).statusCode === 400) return MALFORMED;
  return undefined;
}
