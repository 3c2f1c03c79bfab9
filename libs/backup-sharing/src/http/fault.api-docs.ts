import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { EXAMPLE_PLACEHOLDERS } from './openapi-examples';
import { FAULT_TYPES, FaultStatus, faultBody } from '../dto/fault.response';

/** One documented way a status happens: shown as a named example of the fault body. */
export interface FaultExample {
  summary: string;
  message: string;
  error_code: string;
}

/** How one error status of one operation is documented. */
export interface FaultDoc {
  description: string;
  examples: FaultExample[];
}

export type FaultDocs = Partial<Record<FaultStatus, FaultDoc>>;

/**
 * The one example of a status, keyed by its code (`BackupSharing.ShareNotFound` -> `ShareNotFound`):
 * the first, the operation's own cause. One, so that an operation's errors read as one compact
 * table in Swagger UI; the description names every cause and every `error_code`.
 */
function exampleOf(status: FaultStatus, [first]: FaultExample[]) {
  const { summary, message, error_code } = first;
  return { [error_code.replace(/^BackupSharing\./, '')]: { summary, value: faultBody(status, message, error_code) } };
}

/** The causes, one sentence each, then the `error_code`s a client may branch on. */
function describeFault({ description, examples }: FaultDoc): string {
  const codes = [...new Set(examples.map((example) => `\`${example.error_code}\``))];
  return `${description} \`error_code\`: ${codes.join(', ')}.`;
}

/**
 * Documents error statuses in the Cinder fault shape: per status the schema with its fault name
 * (`ItemNotFoundFault`, ...), what causes it on this operation and its error codes, and one example.
 */
export function ApiFaults(docs: FaultDocs): MethodDecorator & ClassDecorator {
  const statuses = (Object.keys(docs).map(Number) as FaultStatus[]).sort((a, b) => a - b);
  return applyDecorators(
    ...statuses.map((status) => {
      const doc = docs[status]!;
      return ApiResponse({
        status,
        type: FAULT_TYPES[status],
        description: describeFault(doc),
        examples: exampleOf(status, doc.examples),
      });
    }),
  );
}

/**
 * Joins fault docs of several sources, the operation's own first and then the shared ones: per
 * status, descriptions are joined (each source's causes in sentences of their own) and examples
 * appended in that order, so the one example shown is the operation's own cause of a status.
 */
export function mergeFaultDocs(...sources: FaultDocs[]): FaultDocs {
  const merged: FaultDocs = {};
  for (const source of sources) {
    for (const [key, doc] of Object.entries(source) as [string, FaultDoc][]) {
      const status = Number(key) as FaultStatus;
      const previous = merged[status];
      merged[status] = previous
        ? { description: `${previous.description} ${doc.description}`, examples: [...previous.examples, ...doc.examples] }
        : { description: doc.description, examples: [...doc.examples] };
    }
  }
  return merged;
}

const INTERNAL_MESSAGE = 'The server has either erred or is incapable of performing the requested operation.';

/**
 * Statuses every project-scoped route can answer, whatever it does: the path project, the token,
 * content negotiation, and the server side. Hosts document their own project-scoped routes with
 * these too, so that the whole API reads the same.
 */
export const PROJECT_SCOPED_FAULTS: FaultDocs = {
  400: {
    description: 'The project ID in the path is malformed.',
    examples: [
      {
        summary: 'The project ID in the path is malformed',
        message: 'The project ID in the path must be 1 to 64 letters, digits, "-" or "_".',
        error_code: 'BackupSharing.InvalidRequest',
      },
    ],
  },
  401: {
    description: 'No `X-Auth-Token` was sent. The token is invalid or expired.',
    examples: [
      {
        summary: 'No token',
        message: 'Authentication required: send a token in X-Auth-Token.',
        error_code: 'BackupSharing.NotAuthenticated',
      },
      {
        summary: 'Unknown or expired token',
        message: 'The token in X-Auth-Token is invalid or expired.',
        error_code: 'BackupSharing.NotAuthenticated',
      },
    ],
  },
  403: {
    description: 'The token is scoped to another project than `{project_id}`, without the admin role.',
    examples: [
      {
        summary: 'Token of another project',
        message: `The token is not scoped to project ${EXAMPLE_PLACEHOLDERS.projectId}.`,
        error_code: 'BackupSharing.Forbidden',
      },
    ],
  },
  406: {
    description: '`Accept` excludes `application/json`.',
    examples: [
      {
        summary: 'Accept: text/html',
        message: 'This API answers application/json only.',
        error_code: 'BackupSharing.NotAcceptable',
      },
    ],
  },
  408: {
    description: 'The client did not send the whole request in time.',
    examples: [
      {
        summary: 'Request not received in time',
        message: 'The request was not received in time: send the whole request, headers and body, at once.',
        error_code: 'BackupSharing.RequestTimeout',
      },
    ],
  },
  500: {
    description: 'An unexpected error: a generic message, never a stack trace or SQL.',
    examples: [{ summary: 'Unexpected error', message: INTERNAL_MESSAGE, error_code: 'BackupSharing.InternalError' }],
  },
  502: {
    description: 'The identity service failed, so the token could not be checked.',
    examples: [
      {
        summary: 'Identity service failed',
        message: 'The identity service (keystone) failed; the token could not be checked. Try again later.',
        error_code: 'BackupSharing.IdentityServiceFailed',
      },
    ],
  },
  503: {
    description: 'The database cannot be reached.',
    examples: [
      { summary: 'Database unreachable', message: 'The database cannot be reached; retry later.', error_code: 'BackupSharing.DatabaseUnavailable' },
    ],
  },
  504: {
    description: 'The identity service did not answer in time. A database call ran past its time limit.',
    examples: [
      {
        summary: 'Identity service too slow',
        message: 'The identity service (keystone) did not answer in time; try again later.',
        error_code: 'BackupSharing.IdentityServiceTimeout',
      },
      { summary: 'Database call too slow', message: 'A database call ran past its time limit; retry later.', error_code: 'BackupSharing.DatabaseTimeout' },
    ],
  },
};

/** Statuses of routes that take a JSON body. */
export const JSON_BODY_FAULTS: FaultDocs = {
  400: {
    description: 'Malformed JSON.',
    examples: [{ summary: 'Not valid JSON', message: 'The request body is not valid JSON.', error_code: 'BackupSharing.InvalidRequest' }],
  },
  413: {
    description: 'The body is above the limit (default 64 KiB).',
    examples: [
      { summary: 'Body too large', message: 'The request body is larger than this service accepts.', error_code: 'BackupSharing.RequestTooLarge' },
    ],
  },
  415: {
    description: 'The body is not JSON (`Content-Type` other than `application/json`).',
    examples: [
      {
        summary: 'Content-Type: text/plain',
        message: 'The request body must be application/json.',
        error_code: 'BackupSharing.UnsupportedMediaType',
      },
    ],
  },
};
