import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAULT_NAMES } from '../libs/backup-sharing/src/http/fault.filter';
import { DEMO_TOKENS } from '../src/config/demo-tokens';
import {
  OPENAPI_FILE,
  OPENAPI_TYPES_FILE,
  OpenApiDocument,
  OperationObject,
  committedDocument,
  operationsOf,
  resolveRef,
  schemaProblems,
} from './support/openapi-contract';
import { DEMO_BACKUPS, DEMO_PROJECTS, TestHost, startTestHost } from './support/test-host';

const REGENERATE = 'Run `npm run openapi` and commit openapi.json and test/generated/openapi.d.ts.';

/** JSON pointers where two JSON values differ (at most `limit`), to say what drifted. */
function differences(a: unknown, b: unknown, at = '', limit = 20, found: string[] = []): string[] {
  if (found.length >= limit) return found;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    if (JSON.stringify(a) !== JSON.stringify(b)) found.push(at || '/');
    return found;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    differences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, limit, found);
  }
  return found;
}

describe('OpenAPI document', () => {
  let host: TestHost;
  let served: OpenApiDocument;

  beforeAll(async () => {
    host = await startTestHost();
    const response = await host.http.get('/docs-json');
    expect(response.status).toBe(200);
    served = response.body;
  });
  afterAll(() => host.close());

  it('served at /docs-json is the committed openapi.json', () => {
    const drift = differences(served, committedDocument());
    if (drift.length > 0) {
      throw new Error(`The document served at /docs-json differs from openapi.json at:\n  ${drift.join('\n  ')}\n${REGENERATE}`);
    }
    expect(served).toEqual(committedDocument());
  });

  it('test/generated/openapi.d.ts is what openapi-typescript makes of openapi.json', () => {
    const root = join(__dirname, '..');
    const cli = join(root, 'node_modules/openapi-typescript/bin/cli.js');
    const generated = spawnSync(process.execPath, [cli, OPENAPI_FILE, '--redocly', join(root, 'test/generated/redocly.yaml')], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(generated.status).toBe(0);
    if (generated.stdout !== readFileSync(OPENAPI_TYPES_FILE, 'utf8')) {
      throw new Error(`test/generated/openapi.d.ts is not generated from the committed openapi.json. ${REGENERATE}`);
    }
  });

  it('offers X-Auth-Token as an API key and names the demo tokens and their projects', () => {
    expect(served.components.securitySchemes).toEqual({ 'X-Auth-Token': { type: 'apiKey', in: 'header', name: 'X-Auth-Token' } });
    for (const [token, entry] of Object.entries(DEMO_TOKENS)) {
      expect(served.info.description).toContain(`| \`${token}\` | \`${entry.project_id}\` |`);
    }
    expect(served.tags?.map((tag) => tag.name)).toEqual(['Backup sharing', 'Backups', 'Health']);
  });

  it('describes every operation: id, summary, description, tag, token, pre-filled project_id, success and faults', () => {
    const operations = operationsOf(served);
    expect(operations).toHaveLength(12);
    for (const { path, method, operation } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      expect({ where, operationId: operation.operationId }).toEqual({ where, operationId: expect.stringMatching(/^[a-z][A-Za-z]+$/) });
      expect({ where, summary: operation.summary?.length }).toEqual({ where, summary: expect.any(Number) });
      expect({ where, description: operation.description?.length }).toEqual({ where, description: expect.any(Number) });
      expect(operation.tags).toHaveLength(1);
      const successes = Object.keys(operation.responses).filter((status) => status.startsWith('2'));
      expect({ where, successes }).toEqual({ where, successes: [expect.stringMatching(/^20[02]$/)] });
      if (path === '/health') continue;

      expect({ where, security: operation.security }).toEqual({ where, security: [{ 'X-Auth-Token': [] }] });
      const projectId = operation.parameters?.[0];
      expect({ where, projectId }).toEqual({
        where,
        projectId: expect.objectContaining({ name: 'project_id', in: 'path', required: true, schema: expect.objectContaining({ example: DEMO_PROJECTS.owner }) }),
      });
      for (const status of ['400', '401', '403', '500', '502', '503', '504']) {
        expect({ where, status, listed: status in operation.responses }).toEqual({ where, status, listed: true });
      }
      expect(operation.responses['407']).toBeUndefined(); // a proxy's answer, named in the API description
      for (const parameter of operation.parameters ?? []) {
        expect({ where, parameter: parameter.name, described: (parameter.description ?? '').length > 10 }).toEqual({ where, parameter: parameter.name, described: true });
      }
    }
  });

  it('documents each fault with its Cinder fault name, its error codes and one example', () => {
    for (const { path, method, operation } of operationsOf(served)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400 || path === '/health') continue;
        const content = response.content?.['application/json'];
        const faultName = FAULT_NAMES[Number(status)];
        const schema = resolveRef(served, content!.schema);
        expect({ at: `${method} ${path} ${status}`, required: schema.required }).toEqual({ at: `${method} ${path} ${status}`, required: [faultName] });
        // One example per status, so that an operation's errors stay a compact table in Swagger UI.
        const examples = Object.values(content!.examples ?? {});
        expect({ at: `${method} ${path} ${status}`, examples: examples.length }).toEqual({ at: `${method} ${path} ${status}`, examples: 1 });
        const [example] = examples;
        expect(schemaProblems(served, example.value, content!.schema)).toEqual([]);
        const fault = (example.value as Record<string, { code: number; error_code: string }>)[faultName];
        expect(fault.code).toBe(Number(status));
        // Every cause of the status is a sentence of the description, which ends with its error codes.
        expect(response.description).toMatch(/\. `error_code`: `BackupSharing\.[A-Za-z]+`(, `BackupSharing\.[A-Za-z]+`)*\.$/);
        expect(response.description).toContain(`\`${fault.error_code}\``);
      }
    }
  });

  it('makes both forms of cancelling every sharing of a backup plain', () => {
    const byId = served.paths['/v2/{project_id}/os-vendor-backup-sharing/{id}'].delete as OperationObject;
    const collection = served.paths['/v2/{project_id}/os-vendor-backup-sharing'].delete as OperationObject;
    expect(byId.summary).toContain('is_backup_id=true');
    expect(byId.description).toContain('`DELETE /os-vendor-backup-sharing/{backup_id}?is_backup_id=true`');
    expect(byId.description).toContain('`DELETE /os-vendor-backup-sharing?backup_id={backup_id}`');
    expect(byId.parameters?.map((parameter) => `${parameter.in}:${parameter.name}`)).toEqual(['path:project_id', 'path:id', 'query:is_backup_id']);
    // One example, a sharing ID: a backup ID is typed, with is_backup_id=true, or the collection form is used.
    expect(byId.parameters?.[1].examples).toBeUndefined();
    expect(byId.parameters?.[1].description).toContain('is_backup_id=true');
    expect(collection.parameters?.[1].schema?.example).toBe(DEMO_BACKUPS.nightly);
    expect(collection.summary).toContain('?backup_id=');
    expect(collection.parameters?.map((parameter) => `${parameter.in}:${parameter.name}`)).toEqual(['path:project_id', 'query:backup_id']);
    expect(collection.description).toContain('`DELETE /os-vendor-backup-sharing/{backup_id}?is_backup_id=true`');
    for (const operation of [byId, collection]) {
      expect(operation.responses['200'].content).toBeUndefined();
      expect(operation.responses['200'].description).toContain('No body');
    }
  });

  it('names no demo tokens when the host runs with its own tokens', async () => {
    const own = await startTestHost({ AUTH_STATIC_TOKENS: JSON.stringify({ 'a-token': { project_id: 'p1', roles: ['member'] } }) });
    try {
      const response = await own.http.get('/docs-json');
      expect(response.status).toBe(200);
      for (const token of Object.keys(DEMO_TOKENS)) expect(response.body.info.description).not.toContain(token);
    } finally {
      await own.close();
    }
  });
});
