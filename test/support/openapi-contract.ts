import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'supertest';
import type { components, paths } from '../generated/openapi';

// The committed OpenAPI document as the tests' source of truth: types generated from it
// (test/generated/openapi.d.ts) type the bodies tests assert on, so a contract change breaks the
// type check, and `documented()` checks at run time that an answer is one the document describes.

export const OPENAPI_FILE = join(__dirname, '..', '..', 'openapi.json');
export const OPENAPI_TYPES_FILE = join(__dirname, '..', 'generated', 'openapi.d.ts');

export type Schemas = components['schemas'];
export type DocumentedPath = keyof paths;
export type Method = 'get' | 'post' | 'delete';

type ResponsesOf<P extends DocumentedPath, M extends Method> = NonNullable<paths[P][M]> extends { responses: infer R } ? R : never;

/** The statuses the document lists for an operation; any other does not type-check. */
export type DocumentedStatus<P extends DocumentedPath, M extends Method> = keyof ResponsesOf<P, M> & number;

/** The JSON body the document gives an answer (`undefined` for an answer without a body). */
export type ResponseBody<P extends DocumentedPath, M extends Method, S extends DocumentedStatus<P, M>> =
  ResponsesOf<P, M>[S] extends { content: { 'application/json': infer B } } ? B : undefined;

/** The JSON request body the document gives an operation. */
export type RequestBody<P extends DocumentedPath, M extends Method> =
  NonNullable<paths[P][M]> extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;

export interface SchemaObject {
  $ref?: string;
  type?: string;
  nullable?: boolean;
  allOf?: SchemaObject[];
  properties?: Record<string, SchemaObject>;
  required?: string[];
  items?: SchemaObject;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  example?: unknown;
}

export interface ExampleObject {
  summary?: string;
  value: unknown;
}

export interface ParameterObject {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: SchemaObject;
  examples?: Record<string, ExampleObject>;
}

export interface ResponseObject {
  description: string;
  content?: Record<string, { schema: SchemaObject; example?: unknown; examples?: Record<string, ExampleObject> }>;
}

export interface OperationObject {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: ParameterObject[];
  requestBody?: { content: Record<string, { schema: SchemaObject; examples?: Record<string, ExampleObject> }> };
  responses: Record<string, ResponseObject>;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; description?: string; version: string };
  tags?: { name: string; description?: string }[];
  paths: Record<string, Partial<Record<Method | 'put' | 'patch', OperationObject>>>;
  components: { schemas: Record<string, SchemaObject>; securitySchemes?: Record<string, Record<string, string>> };
}

let committed: OpenApiDocument | undefined;

/** `openapi.json` as committed (and as the types were generated from). */
export function committedDocument(): OpenApiDocument {
  committed ??= JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as OpenApiDocument;
  return committed;
}

/** Every operation of a document, with its path and method. */
export function operationsOf(document: OpenApiDocument): { path: string; method: string; operation: OperationObject }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation: operation as OperationObject })),
  );
}

export function resolveRef(document: OpenApiDocument, schema: SchemaObject): SchemaObject {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const target = document.components.schemas[name];
  if (!target) throw new Error(`Unresolved schema reference ${schema.$ref}`);
  return resolveRef(document, target);
}

/**
 * Checks a JSON value against a schema of the document, for the subset of OpenAPI 3.0 schemas the
 * document uses. Stricter than JSON Schema on one point: a property the schema does not name is
 * an error, so an answer cannot carry fields the contract does not document. Returns the problems.
 */
export function schemaProblems(document: OpenApiDocument, value: unknown, schema: SchemaObject, at = '$'): string[] {
  const resolved = resolveRef(document, schema);
  if (value === null) return resolved.nullable ? [] : [`${at} is null, which the document does not allow`];
  if (resolved.allOf) {
    return resolved.allOf.flatMap((part) => schemaProblems(document, value, { ...part, nullable: resolved.nullable }, at));
  }
  const problems: string[] = [];
  if (resolved.enum && !resolved.enum.includes(value)) problems.push(`${at} is ${JSON.stringify(value)}, not one of ${JSON.stringify(resolved.enum)}`);
  switch (resolved.type) {
    case 'string':
      if (typeof value !== 'string') return [`${at} should be a string, is ${JSON.stringify(value)}`];
      if (resolved.pattern && !new RegExp(resolved.pattern).test(value)) problems.push(`${at} "${value}" does not match ${resolved.pattern}`);
      if (resolved.format === 'uuid' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
        problems.push(`${at} "${value}" is not a UUID`);
      }
      return problems;
    case 'integer':
      return Number.isInteger(value) ? problems : [`${at} should be an integer, is ${JSON.stringify(value)}`];
    case 'number':
      return typeof value === 'number' ? problems : [`${at} should be a number, is ${JSON.stringify(value)}`];
    case 'boolean':
      return typeof value === 'boolean' ? problems : [`${at} should be a boolean, is ${JSON.stringify(value)}`];
    case 'array':
      if (!Array.isArray(value)) return [`${at} should be an array`];
      return value.flatMap((item, index) => schemaProblems(document, item, resolved.items ?? {}, `${at}[${index}]`));
    case 'object':
    case undefined: {
      if (!resolved.properties) return problems;
      if (typeof value !== 'object' || Array.isArray(value)) return [`${at} should be an object`];
      const record = value as Record<string, unknown>;
      for (const name of resolved.required ?? []) if (!(name in record)) problems.push(`${at}.${name} is missing`);
      for (const [name, item] of Object.entries(record)) {
        const property = resolved.properties[name];
        if (!property) problems.push(`${at}.${name} is not in the document`);
        else problems.push(...schemaProblems(document, item, property, `${at}.${name}`));
      }
      return problems;
    }
    default:
      return [`${at}: unsupported schema type ${resolved.type}`];
  }
}

function documentedResponse(path: string, method: Method, status: number): ResponseObject {
  const operation = committedDocument().paths[path]?.[method];
  if (!operation) throw new Error(`openapi.json has no operation ${method.toUpperCase()} ${path}`);
  const response = operation.responses[String(status)];
  if (!response) throw new Error(`openapi.json does not list ${status} for ${method.toUpperCase()} ${path}`);
  return response;
}

/**
 * Asserts that an answer is the one the document describes for `status` on that operation — the
 * status, the body's shape and, for a fault, an `error_code` the document names for that status —
 * and returns the body typed by the document.
 */
export function documented<P extends DocumentedPath, M extends Method, S extends DocumentedStatus<P, M>>(
  response: Response,
  path: P,
  method: M,
  status: S,
): ResponseBody<P, M, S> {
  expect({ status: response.status, body: response.body }).toEqual(expect.objectContaining({ status }));
  const documentedAnswer = documentedResponse(path, method, status);
  const content = documentedAnswer.content?.['application/json'];
  if (!content) {
    // "No body": nothing at all, not even `{}` or `null`.
    expect(response.text ?? '').toBe('');
    return undefined as ResponseBody<P, M, S>;
  }
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(schemaProblems(committedDocument(), response.body, content.schema)).toEqual([]);
  if (status >= 400) {
    // One example per status; the description names every error code of the status.
    const documentedCodes = [...(documentedAnswer.description ?? '').matchAll(/`(BackupSharing\.[A-Za-z]+)`/g)].map((match) => match[1]);
    const [fault] = Object.values(response.body as Record<string, { error_code: string }>);
    expect(documentedCodes).toContain(fault.error_code);
  }
  return response.body as ResponseBody<P, M, S>;
}
