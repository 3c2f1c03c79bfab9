import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { BackupSharingOpenApiExamples, applyOpenApiExamples, completeBackupSharingDocument, withBackupSharingDocs } from '../../libs/backup-sharing/src';
import { BACKUPS_TAG } from '../backups/backups.api-docs';
import { HostConfig } from '../config/host.config';
import { DEMO_TOKENS } from '../config/demo-tokens';

/**
 * The environment `npm run openapi` builds the committed `openapi.json` with: fixed, and the same
 * as the e2e harness's as far as the document goes (demo tokens on, not production), so that the
 * drift test compares like with like. Nothing in it is read from the machine's environment.
 */
export const OPENAPI_DEMO_ENV: Readonly<Record<string, string>> = { DATABASE_URL: 'sqlite::memory:', DEMO_SEED: 'false' };

const API_DESCRIPTION = [
  'The Volume Backup Service v2 backup-sharing API (`/v2/{project_id}/os-vendor-backup-sharing`), mounted in a ' +
    'miniature block-storage API with its own backups.',
  '',
  'Every request carries `X-Auth-Token`, and `{project_id}` must be the token\'s project (or the token holds the admin role). ' +
    'Every success is a **200** with a JSON body, except where an operation says otherwise. Every error has the Cinder fault ' +
    'shape `{"<faultName>": {"code": <status>, "message": "...", "error_code": "BackupSharing.<Code>"}}`; besides those each ' +
    'operation lists, an unknown path answers 404 (`itemNotFound`), a method a path does not serve 405 (`badMethod`, with `Allow`), ' +
    'and a proxy in front of the API may answer 407. Every answer carries `X-Openstack-Request-Id: req-<uuid>`.',
].join('\n');

/** How to try the API from this page, outside production only: the built-in demo tokens. */
function demoTokensText(config: HostConfig): string {
  if (!config.auth.demoTokens || config.production) return '';
  const rows = Object.entries(DEMO_TOKENS).map(
    ([token, entry]) => `| \`${token}\` | \`${entry.project_id}\` | ${entry.roles?.join(', ') ?? ''} |`,
  );
  return [
    '',
    '',
    '## Try it',
    '',
    'This host runs with built-in demo tokens. Click **Authorize**, paste a token as `X-Auth-Token`, then use ' +
      '**Try it out** then **Execute** on an operation: every field is pre-filled with demo data that exists. ' +
      '`project_id` is the owner project; the seeded backup `066b1e37-9305-4057-97e5-2e99b21fc71d` (`db-nightly`) ' +
      'can be shared with the recipient project at once; the seeded backup `app-shared` is already shared with it, ' +
      'and that sharing\'s ID is pre-filled where an operation takes a sharing ID. `os-reset_status` needs `admin-token`.',
    '',
    '| token | project | roles |',
    '|---|---|---|',
    ...rows,
  ].join('\n');
}

/** The document header of the demo host. */
export function openApiConfig(config: HostConfig): Omit<OpenAPIObject, 'paths'> {
  return withBackupSharingDocs(
    new DocumentBuilder()
      .setTitle('Block storage API (demo) with backup sharing')
      .setDescription(`${API_DESCRIPTION}${demoTokensText(config)}`)
      .setVersion('2')
      .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
      // Relative: the host that serves this document, wherever it runs.
      .addServer('/', 'This host'),
  )
    .addTag(BACKUPS_TAG, "The host's own backups: a subset of Cinder's v2 backups API.")
    .addTag('Health', 'Liveness of the host and its database.')
    .build();
}

/**
 * The OpenAPI document of the whole host: what `/docs-json` serves and `openapi.json` holds.
 * `seeded`: example IDs known only once the demo data exists (the demo sharing's ID), written
 * over the module's placeholders after its own examples.
 */
export function createOpenApiDocument(app: INestApplication, config: HostConfig, seeded: BackupSharingOpenApiExamples = {}): OpenAPIObject {
  return applyOpenApiExamples(completeBackupSharingDocument(app, SwaggerModule.createDocument(app, openApiConfig(config))), seeded);
}

/** Swagger UI at `/docs`, the document at `/docs-json`. */
export function setupSwaggerUi(app: INestApplication, config: HostConfig, seeded: BackupSharingOpenApiExamples = {}): void {
  SwaggerModule.setup('docs', app, () => createOpenApiDocument(app, config, seeded), {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Block storage API (demo) — Swagger UI',
    swaggerOptions: {
      persistAuthorization: true,
      displayRequestDuration: true,
      // No badge from the public validator: the page loads nothing from outside this host.
      validatorUrl: null,
      // No list of the ~35 schemas below the operations: each operation shows its own.
      defaultModelsExpandDepth: -1,
    },
  });
}
