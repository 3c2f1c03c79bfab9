import { Injectable, NestMiddleware, NotAcceptableException, UnsupportedMediaTypeException } from '@nestjs/common';
import { toFault } from './fault.filter';
import { RawResponse, replyWithFault } from './fault.reply';

interface RawRequest {
  method?: string;
  headers: Record<string, string | string[] | undefined>;
}

const NOT_ACCEPTABLE = 'This API answers application/json only.';
const UNSUPPORTED_MEDIA_TYPE = 'The request body must be application/json.';

/** Methods whose body the API reads. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Whether an `Accept` header admits `application/json`: absent or empty, `*\/*`, `application/*`
 * or `application/json`, the most specific of them deciding with its `q` (`q=0` excludes).
 * Ranges that are not `type/subtype` are ignored, so a header made only of those excludes JSON.
 */
export function acceptsJson(accept: string | string[] | undefined): boolean {
  const header = Array.isArray(accept) ? accept.join(',') : accept;
  if (header === undefined || header.trim() === '') return true;
  let best: { specificity: number; q: number } | undefined;
  for (const range of header.split(',')) {
    const [mediaRange, ...parameters] = range.split(';').map((part) => part.trim());
    const specificity = { 'application/json': 2, 'application/*': 1, '*/*': 0 }[mediaRange.toLowerCase()];
    if (specificity === undefined) continue;
    const qParameter = parameters.find((parameter) => /^q\s*=/i.test(parameter));
    const q = qParameter === undefined ? 1 : Number(qParameter.slice(qParameter.indexOf('=') + 1).trim());
    if (!Number.isFinite(q)) continue;
    if (!best || specificity > best.specificity || (specificity === best.specificity && q > best.q)) best = { specificity, q };
  }
  return best !== undefined && best.q > 0;
}

/** Whether the request carries a body (a length above 0, or a chunked one). */
export function hasBody(headers: RawRequest['headers']): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && String(length).trim() !== '0';
}

/** Whether `Content-Type` names JSON (`application/json`, any parameters). */
export function isJsonContentType(contentType: string | string[] | undefined): boolean {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  return value?.split(';')[0].trim().toLowerCase() === 'application/json';
}

/**
 * Content negotiation of a JSON API: 406 when `Accept` excludes `application/json`, 415 when a
 * body comes with another (or no) `Content-Type`. A body-less POST passes on, to be judged by
 * validation (400). The module applies it to its routes; a host may apply it to its own.
 */
@Injectable()
export class MediaTypeMiddleware implements NestMiddleware {
  use(request: RawRequest, response: RawResponse, next: () => void): void {
    if (!acceptsJson(request.headers.accept)) {
      return replyWithFault(request, response, toFault(new NotAcceptableException(NOT_ACCEPTABLE)));
    }
    if (BODY_METHODS.has(request.method ?? '') && hasBody(request.headers) && !isJsonContentType(request.headers['content-type'])) {
      return replyWithFault(request, response, toFault(new UnsupportedMediaTypeException(UNSUPPORTED_MEDIA_TYPE)));
    }
    next();
  }
}
