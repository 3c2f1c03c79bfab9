import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { PROJECT_ID_PATTERN } from '../auth/project-scope.guard';
import {
  CountSharingsResponse,
  GetSharingResponse,
  ListSharingsResponse,
  ShareBackupResponse,
} from '../dto/backup-sharing.response';
import { ShareBackupRequest } from '../dto/share-backup.request';
import { SharingRule } from '../auth/sharing-policy.port';
import { EXAMPLE_PLACEHOLDERS } from './openapi-examples';
import { ApiFaults, FaultDoc, FaultDocs, FaultExample, JSON_BODY_FAULTS, PROJECT_SCOPED_FAULTS, mergeFaultDocs } from './fault.api-docs';

// The OpenAPI description of the module's routes, kept out of the controller so that it stays
// thin. Texts follow backup-sharing-api.md. Example IDs are placeholders that the document helpers
// replace by the host's (option `openApiExamples`), so that Swagger UI trials work as pre-filled.

/** Name of the API-key security scheme (`X-Auth-Token` header) the operations require. */
export const SECURITY_SCHEME = 'X-Auth-Token';
export const BACKUP_SHARING_TAG = 'Backup sharing';

const EXAMPLE_PROJECT = EXAMPLE_PLACEHOLDERS.projectId;
const EXAMPLE_TARGET = EXAMPLE_PLACEHOLDERS.toProjectId;
const EXAMPLE_BACKUP = EXAMPLE_PLACEHOLDERS.backupId;
/** A second recipient, in the example that shares with two projects at once. */
const EXAMPLE_SECOND_TARGET = '3a3b3c3d3e3f43a4b5c6d7e8f9a0b1c2';
const EXAMPLE_SHARING = EXAMPLE_PLACEHOLDERS.sharingId;
const EXAMPLE_TIME = '2017-08-22T08:43:16.699374';

const EXAMPLE_BACKUP_VIEW = {
  id: EXAMPLE_BACKUP,
  name: 'db-nightly',
  description: 'Nightly backup of the database',
  status: 'available',
  size: 10,
  volume_id: '5024a06e-6990-4f12-9dcc-8fe26b01a710',
  availability_zone: 'az1',
  snapshot_id: null,
  container: 'backups',
  object_count: 4,
  fail_reason: null,
  created_at: EXAMPLE_TIME,
  updated_at: EXAMPLE_TIME,
  data_timestamp: EXAMPLE_TIME,
  has_dependent_backups: false,
  is_incremental: false,
  service_metadata: null,
};

const EXAMPLE_SHARING_FIELDS = {
  id: EXAMPLE_SHARING,
  backup_id: EXAMPLE_BACKUP,
  from_project_id: EXAMPLE_PROJECT,
  to_project_id: EXAMPLE_TARGET,
  created_at: EXAMPLE_TIME,
  updated_at: EXAMPLE_TIME,
};

/**
 * On a controller whose path holds `:project_id`: the `X-Auth-Token` requirement and the
 * `project_id` path parameter, pre-filled with the example project so that Swagger UI's
 * "Try it out" needs no typing. Exported for host controllers scoped the same way.
 */
export function ApiProjectScope(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiSecurity(SECURITY_SCHEME),
    ApiParam({
      name: 'project_id',
      description:
        "The caller's project: the token must be scoped to it (or hold the admin role). " +
        `1 to 64 letters, digits, "-" and "_". The example is the host's example project (option openApiExamples).`,
      // In the schema: @nestjs/swagger drops a parameter-level `example` when a schema is given.
      schema: { type: 'string', pattern: PROJECT_ID_PATTERN.source, example: EXAMPLE_PROJECT },
    }),
  );
}

/** The controller: its tag, security scheme and `project_id`. */
export function ApiBackupSharingController(): ClassDecorator {
  return applyDecorators(ApiTags(BACKUP_SHARING_TAG), ApiProjectScope());
}

const SHARING_NOT_FOUND: FaultExample = {
  summary: 'Unknown sharing, one of another project, or already canceled',
  message: `Backup sharing ${EXAMPLE_SHARING} could not be found.`,
  error_code: 'BackupSharing.ShareNotFound',
};

const BACKUP_NOT_FOUND: FaultExample = {
  summary: "The backup does not exist or is not the caller's",
  message: `Backup ${EXAMPLE_BACKUP} could not be found.`,
  error_code: 'BackupSharing.BackupNotFound',
};

const BAD_BOOLEAN: FaultExample = {
  summary: 'A boolean query value other than true, false, 1, 0',
  message: 'is_backup_id must be true, false, 1 or 0.',
  error_code: 'BackupSharing.InvalidRequest',
};

/** 403 when the host's sharing policy refuses the operation's rule. */
function policyRefusal(rule: SharingRule): FaultDocs {
  return {
    403: {
      description: `The sharing policy refuses \`${rule}\`.`,
      examples: [
        { summary: 'Refused by the sharing policy', message: `Policy does not allow ${rule} to be performed.`, error_code: 'BackupSharing.Forbidden' },
      ],
    },
  };
}

/** 501 of the two forms that cancel every sharing of a backup, which a host may turn off. */
const CANCEL_ALL_DISABLED: FaultDocs = {
  501: {
    description: 'Canceling every sharing of a backup is turned off on this service (`cancelAllEnabled: false`).',
    examples: [
      {
        summary: 'Turned off by configuration',
        message: 'Canceling every sharing of a backup is turned off on this service; cancel each sharing by its ID.',
        error_code: 'BackupSharing.FeatureDisabled',
      },
    ],
  },
};

/** 502 of the operations that ask the host's backup catalog. */
const CATALOG_FAILED: FaultDocs = {
  502: {
    description: "The host's backup catalog failed.",
    examples: [{ summary: 'Backup catalog failed', message: "The host's backup catalog failed; retry later.", error_code: 'BackupSharing.BackupCatalogFailed' }],
  },
};

export function ApiShareBackup(): MethodDecorator {
  return applyDecorators(
    ApiOperation({
      operationId: 'shareBackup',
      summary: 'Share a backup with other projects',
      description: [
        "Shares one backup of the caller's project with 1 to 10 other projects, one sharing each.",
        '',
        '- `shared.backup_id`: required, the UUID of a backup the caller\'s project owns.',
        '- `shared.to_project_ids`: required, 1 to 10 project IDs (1 to 64 letters, digits, `-` and `_`).',
        '',
        'Answers **200** (never 201) with `{"shared": [...]}`: an **array** with one sharing per target project, ' +
          'in the order of the request, each with `deleted: null` and `deleted_at: null`.',
        '',
        '**All or nothing**: either every target gets a sharing, or none does and nothing is written. ' +
          'Each rule is a clear 4xx:',
        '',
        "- the backup does not exist or is not owned by the caller's project → 404;",
        '- the backup is not `available`, or is encrypted (encrypted backups cannot be shared) → 400;',
        "- a target is the caller's own project, or appears twice → 400;",
        '- the backup is already shared with one of the targets → 409 (of two concurrent identical requests, one gets 409);',
        '- the backup would then be shared with more than 10 projects (configurable limit) → 400.',
      ].join('\n'),
    }),
    ApiExtraModels(ShareBackupRequest),
    ApiBody({
      schema: { $ref: getSchemaPath(ShareBackupRequest) },
      examples: {
        oneProject: {
          summary: 'Share with one project',
          value: { shared: { backup_id: EXAMPLE_BACKUP, to_project_ids: [EXAMPLE_TARGET] } },
        },
        twoProjects: {
          summary: 'Share with two projects (the published example)',
          value: { shared: { backup_id: EXAMPLE_BACKUP, to_project_ids: [EXAMPLE_TARGET, EXAMPLE_SECOND_TARGET] } },
        },
      },
    }),
    ApiOkResponse({
      type: ShareBackupResponse,
      description: 'Shared: one sharing per target project, in the order of the request.',
      example: { shared: [{ ...EXAMPLE_SHARING_FIELDS, deleted: null, deleted_at: null }] },
    }),
    ApiFaults(
      mergeFaultDocs({
        400: {
          description: [
            'A field is missing or invalid.',
            'The backup is not `available`.',
            'The backup is encrypted.',
            "A target is the caller's own project, or is named twice.",
            'The backup would be shared with more projects than the limit.',
          ].join(' '),
          examples: [
            {
              summary: 'A field is missing or invalid',
              message: 'shared.backup_id must be a UUID.',
              error_code: 'BackupSharing.InvalidRequest',
            },
            {
              summary: 'The backup is not available',
              message: `Backup ${EXAMPLE_BACKUP} is error; only an available backup can be shared.`,
              error_code: 'BackupSharing.BackupNotAvailable',
            },
            {
              summary: 'The backup is encrypted',
              message: `Backup ${EXAMPLE_BACKUP} is encrypted; encrypted backups cannot be shared.`,
              error_code: 'BackupSharing.BackupEncrypted',
            },
            {
              summary: "A target is the caller's own project or is named twice",
              message: `A backup cannot be shared with its own project ${EXAMPLE_PROJECT}.`,
              error_code: 'BackupSharing.InvalidTarget',
            },
            {
              summary: 'More projects than the limit',
              message: `Backup ${EXAMPLE_BACKUP} is shared with 10 project(s); sharing it with 1 more would pass the limit of 10.`,
              error_code: 'BackupSharing.ShareLimitExceeded',
            },
          ],
        },
        404: { description: "The backup does not exist or is not the caller's.", examples: [BACKUP_NOT_FOUND] },
        409: {
          description: 'The backup is already shared with one of the targets. A concurrent request changed its sharings: retry.',
          examples: [
            {
              summary: 'Already shared',
              message: `Backup ${EXAMPLE_BACKUP} is already shared with project(s) ${EXAMPLE_TARGET}.`,
              error_code: 'BackupSharing.AlreadyShared',
            },
            {
              summary: 'Concurrent change',
              message: 'The backup sharing was changed by a concurrent request; retry the request.',
              error_code: 'BackupSharing.ConcurrentChange',
            },
          ],
        },
      }, policyRefusal('backup_sharing:create'), CATALOG_FAILED, JSON_BODY_FAULTS, PROJECT_SCOPED_FAULTS),
    ),
  );
}

const FILTERS_DESCRIPTION = [
  '`share_to_me=true`: the sharings whose recipient is the caller\'s project; otherwise the sharings the caller\'s project made.',
  '',
  'Filters, all optional: `backup_id`, `from_project_id`, `to_project_id` (exact); the backup\'s `volume_id`, `status`, ' +
    '`availability_zone` (exact; the spelling `avalilability_zone` of the published documentation is the same filter); ' +
    "`name`, a case-insensitive substring of the backup's name. Boolean values: `true`/`false`/`1`/`0`, any case.",
].join('\n');

const BAD_QUERY: FaultDoc = {
  description: 'A query value is invalid.',
  examples: [{ ...BAD_BOOLEAN, message: 'share_to_me must be true, false, 1 or 0.' }],
};

export function ApiListSharings(): MethodDecorator {
  return applyDecorators(
    ApiOperation({
      operationId: 'listBackupSharings',
      summary: 'List backup sharings',
      description: [
        "Lists sharings, each with the shared backup's details (`backup`, read live from the host's backup catalog). " +
          'No match is `200 {"shared": []}`, never 404.',
        '',
        FILTERS_DESCRIPTION,
        '',
        'Sort with `sort_key` (`created_at` by default, `updated_at`, `id`, `name`, `status`, `size`) and `sort_dir` ' +
          '(`desc` by default). Page with `limit` (1 to 1000, default 1000), `offset`, and `marker` (the ID of the last ' +
          'sharing of the previous page). When a page is full and more rows may follow, `shared_links` holds the absolute ' +
          'URL of the next page (`rel: next`): follow it until it is absent.',
      ].join('\n'),
    }),
    ApiOkResponse({
      type: ListSharingsResponse,
      description: 'The page of sharings; `shared_links` only when more rows may follow.',
      example: { shared: [{ ...EXAMPLE_SHARING_FIELDS, backup: EXAMPLE_BACKUP_VIEW }] },
    }),
    ApiFaults(
      mergeFaultDocs({
        400: {
          description: 'A filter, sort or paging value is invalid, e.g. a `limit` out of 1 to 1000.',
          examples: [
            ...BAD_QUERY.examples,
            { summary: 'A limit out of range', message: 'limit must be a whole number from 1 to 1000.', error_code: 'BackupSharing.InvalidRequest' },
          ],
        },
      }, policyRefusal('backup_sharing:get_all'), CATALOG_FAILED, PROJECT_SCOPED_FAULTS),
    ),
  );
}

export function ApiCountSharings(): MethodDecorator {
  return applyDecorators(
    ApiOperation({
      operationId: 'countBackupSharings',
      summary: 'Count backup sharings',
      description: `Counts the sharings the list would return: the same filters, without sort and paging.\n\n${FILTERS_DESCRIPTION}`,
    }),
    ApiOkResponse({ type: CountSharingsResponse, description: 'The number of matching sharings.', example: { count: 2 } }),
    ApiFaults(mergeFaultDocs({ 400: BAD_QUERY }, policyRefusal('backup_sharing:count'), PROJECT_SCOPED_FAULTS)),
  );
}

export function ApiShowSharing(): MethodDecorator {
  return applyDecorators(
    ApiOperation({
      operationId: 'showBackupSharing',
      summary: 'Show a backup sharing',
      description:
        "Shows one sharing with the shared backup's details (`backup`). Visible to the owner project and to the " +
        'recipient project; to every other project it does not exist (404), so existence never leaks across projects.',
    }),
    ApiParam({
      name: 'id',
      description: "The sharing ID (a UUID), as share and list answer it. The example is the host's example sharing (option openApiExamples).",
      schema: { type: 'string', format: 'uuid', example: EXAMPLE_SHARING },
    }),
    ApiOkResponse({
      type: GetSharingResponse,
      description: 'The sharing.',
      example: { shared: { ...EXAMPLE_SHARING_FIELDS, backup: EXAMPLE_BACKUP_VIEW } },
    }),
    ApiFaults(
      mergeFaultDocs({
        404: { description: "Unknown sharing, or one the caller's project neither made nor received.", examples: [SHARING_NOT_FOUND] },
      }, policyRefusal('backup_sharing:get'), CATALOG_FAILED, PROJECT_SCOPED_FAULTS),
    ),
  );
}

const CANCELED = 'Canceled. **No body.** The recipient project loses access to the backup at once.';

export function ApiCancelSharing(): MethodDecorator {
  return applyDecorators(
    ApiOperation({
      operationId: 'cancelBackupSharing',
      summary: 'Cancel a sharing by its ID, or every sharing of a backup (is_backup_id=true)',
      description: [
        'Two forms on this path, chosen by the query parameter `is_backup_id` (boolean, default `false`):',
        '',
        '- `DELETE /os-vendor-backup-sharing/{sharing_id}` (`is_backup_id` absent or `false`): `{id}` is a **sharing ID**. ' +
          'The owner project cancels that one sharing. The recipient project gets 403; any other project, ' +
          'or a sharing already canceled, 404.',
        "- `DELETE /os-vendor-backup-sharing/{backup_id}?is_backup_id=true`: `{id}` is a **backup ID** of the caller's " +
          'project; every sharing of that backup is canceled in one statement, 200 also when it had none. ' +
          "A backup that does not exist or is not the caller's: 404.",
        '',
        'The collection form `DELETE /os-vendor-backup-sharing?backup_id={backup_id}` does the same as the second form. ' +
          'Boolean values: `true`/`false`/`1`/`0`, any case; anything else is a 400. ' +
          'Canceled sharings are kept for audit and never returned. Of concurrent cancels of one sharing, one gets 200, the others 404. ' +
          'A service may turn the whole-backup forms off: 501.',
      ].join('\n'),
    }),
    // One example, a sharing ID: a backup ID chosen from examples would still be sent without
    // is_backup_id=true (Swagger UI sets no other parameter from an example) and name no sharing.
    ApiParam({
      name: 'id',
      description:
        `A sharing ID; with \`is_backup_id=true\`, a backup ID instead (e.g. \`${EXAMPLE_BACKUP}\`). ` +
        "The example is the host's example sharing (option openApiExamples). " +
        'To cancel every sharing of a backup, the collection form `DELETE ?backup_id=` comes pre-filled with a backup ID.',
      schema: { type: 'string', format: 'uuid', example: EXAMPLE_SHARING },
    }),
    ApiOkResponse({ description: CANCELED }),
    ApiFaults(
      mergeFaultDocs({
        400: { description: '`is_backup_id` is not a boolean.', examples: [BAD_BOOLEAN] },
        403: {
          description: 'The recipient project cancels a sharing: only the owner project may.',
          examples: [
            {
              summary: 'The recipient cancels',
              message: `Backup sharing ${EXAMPLE_SHARING} can be canceled only by the project that shared it.`,
              error_code: 'BackupSharing.Forbidden',
            },
          ],
        },
        404: {
          description:
            "The sharing is unknown, already canceled, or of another project. With `is_backup_id=true`: the backup is not the caller's.",
          examples: [SHARING_NOT_FOUND, BACKUP_NOT_FOUND],
        },
      }, policyRefusal('backup_sharing:cancel'), CANCEL_ALL_DISABLED, CATALOG_FAILED, PROJECT_SCOPED_FAULTS),
    ),
  );
}

export function ApiCancelSharingsOfBackup(): MethodDecorator {
  return applyDecorators(
    ApiOperation({
      operationId: 'cancelBackupSharingsOfBackup',
      summary: 'Cancel every sharing of a backup (collection form, ?backup_id=)',
      description: [
        'The collection form of the published example: `DELETE /os-vendor-backup-sharing?backup_id={backup_id}` cancels ' +
          'every sharing of that backup in one statement, exactly as ' +
          '`DELETE /os-vendor-backup-sharing/{backup_id}?is_backup_id=true` does; 200 also when it had none.',
        '',
        'Without `backup_id`: 400, with a message that names the two correct forms. A service may turn this form off: 501.',
      ].join('\n'),
    }),
    ApiOkResponse({ description: CANCELED }),
    ApiFaults(
      mergeFaultDocs({
        400: {
          description: 'No `backup_id`.',
          examples: [
            {
              summary: 'No backup_id',
              message:
                'Name what to cancel: DELETE os-vendor-backup-sharing/{sharing_id}, or ' +
                'DELETE os-vendor-backup-sharing/{backup_id}?is_backup_id=true (or ?backup_id={backup_id}) for every sharing of a backup.',
              error_code: 'BackupSharing.InvalidRequest',
            },
          ],
        },
        404: { description: "The backup does not exist or is not the caller's.", examples: [BACKUP_NOT_FOUND] },
      }, policyRefusal('backup_sharing:cancel'), CANCEL_ALL_DISABLED, CATALOG_FAILED, PROJECT_SCOPED_FAULTS),
    ),
  );
}
