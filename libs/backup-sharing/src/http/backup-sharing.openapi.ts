import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerDocumentOptions, SwaggerModule } from '@nestjs/swagger';
import { BackupSharingModule } from '../backup-sharing.module';
import { BACKUP_SHARING_OPTIONS } from '../backup-sharing.module-definition';
import { BackupSharingModuleOptions } from '../backup-sharing.options';
import { applyOpenApiExamples } from './openapi-examples';
import { BACKUP_SHARING_TAG, SECURITY_SCHEME } from './backup-sharing.api-docs';

/** The `X-Auth-Token` API key, as the module's operations require it. */
export const BACKUP_SHARING_SECURITY_SCHEME = { type: 'apiKey', in: 'header', name: 'X-Auth-Token' } as const;

export const BACKUP_SHARING_TAG_DESCRIPTION =
  'Volume Backup Service v2 backup sharing: share a backup of your project with other projects, ' +
  'see the sharings you made or received, and cancel them.';

/**
 * Adds what the module's operations refer to and a host's document could lack: the `X-Auth-Token`
 * security scheme (without it Swagger UI has no Authorize button for them) and the tag's text.
 */
export function withBackupSharingDocs(builder: DocumentBuilder): DocumentBuilder {
  return builder.addApiKey({ ...BACKUP_SHARING_SECURITY_SCHEME }, SECURITY_SCHEME).addTag(BACKUP_SHARING_TAG, BACKUP_SHARING_TAG_DESCRIPTION);
}

/** A document header for the module alone. */
export function backupSharingDocumentConfig(): Omit<OpenAPIObject, 'paths'> {
  return withBackupSharingDocs(
    new DocumentBuilder()
      .setTitle('Backup sharing API')
      .setDescription('The Volume Backup Service v2 backup-sharing API (`os-vendor-backup-sharing`).')
      .setVersion('2'),
  ).build();
}

/**
 * The OpenAPI document of the module's routes alone, at the paths where this host mounts them
 * (global prefix and `RouterModule` path included), e.g. to publish the sharing API apart from
 * the rest of a host's API:
 *
 * ```ts
 * SwaggerModule.setup('docs/sharing', app, () => createBackupSharingDocument(app));
 * ```
 *
 * `config` is the document header (`DocumentBuilder().build()`); the security scheme is added
 * when it lacks it. `options.include` is always the module.
 */
export function createBackupSharingDocument(
  app: INestApplication,
  config: Omit<OpenAPIObject, 'paths'> = backupSharingDocumentConfig(),
  options: Omit<SwaggerDocumentOptions, 'include'> = {},
): OpenAPIObject {
  const schemes = config.components?.securitySchemes ?? {};
  const header: Omit<OpenAPIObject, 'paths'> = schemes[SECURITY_SCHEME]
    ? config
    : {
        ...config,
        components: { ...config.components, securitySchemes: { ...schemes, [SECURITY_SCHEME]: { ...BACKUP_SHARING_SECURITY_SCHEME } } },
      };
  return completeBackupSharingDocument(app, SwaggerModule.createDocument(app, header, { ...options, include: [BackupSharingModule] }));
}

/**
 * Finishes a host's OpenAPI document that holds the module's operations (from
 * `SwaggerModule.createDocument`): the example IDs of the module's `openApiExamples` option
 * instead of the placeholders, and each operation's parameters in the order a reader expects
 * (path parameters first, as in the path). Changes the document in place and returns it.
 *
 * ```ts
 * SwaggerModule.setup('docs', app, () => completeBackupSharingDocument(app, SwaggerModule.createDocument(app, config)));
 * ```
 */
export function completeBackupSharingDocument(app: INestApplication, document: OpenAPIObject): OpenAPIObject {
  const options = app.get<BackupSharingModuleOptions>(BACKUP_SHARING_OPTIONS, { strict: false });
  return pathParametersFirst(applyOpenApiExamples(document, options.openApiExamples));
}

/**
 * Orders each operation's parameters as a reader expects them: path parameters first, in the
 * order of the path (`project_id` before `id`), then the rest as declared. @nestjs/swagger puts
 * controller-level parameters such as `project_id` last, below every query parameter, where
 * Swagger UI would show them too. Changes the document in place and returns it.
 */
export function pathParametersFirst(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const operation of Object.values(item)) {
      const parameters = (operation as { parameters?: unknown } | undefined)?.parameters;
      if (!Array.isArray(parameters)) continue;
      const rank = (parameter: { in?: string; name?: string }) =>
        parameter.in === 'path' ? path.indexOf(`{${parameter.name}}`) : Number.MAX_SAFE_INTEGER;
      // Array.prototype.sort is stable: parameters of equal rank keep their declared order.
      parameters.sort((a, b) => rank(a) - rank(b));
    }
  }
  return document;
}
