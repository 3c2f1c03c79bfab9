import { applyDecorators } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  ApiFaults,
  ApiProjectScope,
  FaultDocs,
  FaultExample,
  JSON_BODY_FAULTS,
  PROJECT_SCOPED_FAULTS,
  mergeFaultDocs,
} from '../../libs/backup-sharing/src';
import { DEMO_BACKUPS, DEMO_BACKUP_NOTES } from './demo-seed';
import { BackupActionRequest, CreateBackupRequest } from './backup.dto';
import { CreateBackupResponse, ListBackupsResponse, ShowBackupResponse } from './backup.response';

// The OpenAPI description of the host's own backups routes (a subset of Cinder's v2 backups API).

export const BACKUPS_TAG = 'Backups';

export function ApiBackupsController(): ClassDecorator {
  return applyDecorators(ApiTags(BACKUPS_TAG), ApiProjectScope());
}

const BACKUP_NOT_FOUND: FaultExample = {
  summary: "No such backup, or one the caller's project may not see",
  message: `Backup ${DEMO_BACKUPS.nightly} could not be found.`,
  error_code: 'BackupSharing.BackupNotFound',
};

const NOT_FOUND: FaultDocs = { 404: { description: "The backup does not exist or is not the caller's.", examples: [BACKUP_NOT_FOUND] } };

/**
 * The backup ID, pre-filled with a seeded backup that this operation's first "Try it out" can act
 * on whatever was tried before it: deleting or resetting `db-nightly` would spoil the sharing
 * trials, so those two take backups of their own.
 */
function backupId(example: keyof typeof DEMO_BACKUPS, note: string): MethodDecorator {
  return ApiParam({
    name: 'id',
    description: `The backup ID (a UUID). The example is the demo's \`${DEMO_BACKUP_NOTES[example].split(',')[0]}\` backup${note}.`,
    schema: { type: 'string', format: 'uuid', example: DEMO_BACKUPS[example] },
  });
}

export function ApiCreateBackup(): MethodDecorator {
  return applyDecorators(
    ApiOperation({
      operationId: 'createBackup',
      summary: 'Create a backup (available at once in the demo)',
      description:
        'Creates a backup of a volume. Only `backup.volume_id` is required; a backup with an `encryption_key_id` is encrypted ' +
        '(and so cannot be shared). There is no data mover in the demo: the new backup is `available` at once. Answers **202**.',
    }),
    ApiBody({
      type: CreateBackupRequest,
      examples: {
        plain: { summary: 'A backup of a volume', value: { backup: { volume_id: '5024a06e-6990-4f12-9dcc-8fe26b01a710', name: 'nightly', size: 1 } } },
      },
    } as Parameters<typeof ApiBody>[0]),
    ApiAcceptedResponse({ type: CreateBackupResponse, description: 'Accepted: the new backup, with its links.' }),
    ApiFaults(
      mergeFaultDocs({
        400: {
          description: 'A field is missing or invalid.',
          examples: [{ summary: 'No volume_id', message: 'backup.volume_id must be a UUID.', error_code: 'BackupSharing.InvalidRequest' }],
        },
      }, JSON_BODY_FAULTS, PROJECT_SCOPED_FAULTS),
    ),
  );
}

export function ApiListBackups(): MethodDecorator {
  return applyDecorators(
    ApiOperation({ operationId: 'listBackups', summary: "List the project's backups", description: 'The backups the caller\'s project owns, with details.' }),
    ApiOkResponse({ type: ListBackupsResponse, description: "The project's backups." }),
    ApiFaults(PROJECT_SCOPED_FAULTS),
  );
}

export function ApiShowBackup(): MethodDecorator {
  return applyDecorators(
    ApiOperation({
      operationId: 'showBackup',
      summary: 'Show a backup (also to projects it is shared with)',
      description:
        'Readable by the owner project and by every project it is shared with; 404 otherwise, and 404 for a recipient ' +
        'as soon as its sharing is canceled.',
    }),
    backupId('nightly', ''),
    ApiOkResponse({ type: ShowBackupResponse, description: 'The backup.' }),
    ApiFaults(mergeFaultDocs(NOT_FOUND, PROJECT_SCOPED_FAULTS)),
  );
}

export function ApiDeleteBackup(): MethodDecorator {
  return applyDecorators(
    ApiOperation({
      operationId: 'deleteBackup',
      summary: 'Delete a backup; its sharings end with it',
      description: 'Owner project only. Also cancels every sharing of the backup. Answers **202** with no body.',
    }),
    backupId('weekly', ', which no other trial uses'),
    ApiAcceptedResponse({ description: 'Accepted; no body.' }),
    ApiFaults(mergeFaultDocs(NOT_FOUND, PROJECT_SCOPED_FAULTS)),
  );
}

export function ApiBackupAction(): MethodDecorator {
  return applyDecorators(
    ApiOperation({
      operationId: 'backupAction',
      summary: 'os-reset_status (admin role only)',
      description:
        'Sets the status of a backup, e.g. `{"os-reset_status": {"status": "error"}}`. Admin role only. The sharing ' +
        'module sees the new status at once: a backup that is no longer `available` cannot be shared. Answers **202** with no body.',
    }),
    backupId('failed', ', already in status error'),
    ApiBody({
      type: BackupActionRequest,
      examples: { resetStatus: { summary: 'Reset the status to error', value: { 'os-reset_status': { status: 'error' } } } },
    } as Parameters<typeof ApiBody>[0]),
    ApiAcceptedResponse({ description: 'Accepted; no body.' }),
    ApiFaults(
      mergeFaultDocs({
        400: {
          description: 'Not an `os-reset_status` action, or an unknown status.',
          examples: [
            {
              summary: 'Unknown status',
              message: 'os-reset_status.status must be one of available, error, creating, deleting, restoring, error_deleting.',
              error_code: 'BackupSharing.InvalidRequest',
            },
          ],
        },
        403: {
          description: 'The token does not hold the admin role.',
          examples: [
            { summary: 'Not an admin', message: 'os-reset_status is allowed to the admin role only.', error_code: 'BackupSharing.Forbidden' },
          ],
        },
      }, NOT_FOUND, JSON_BODY_FAULTS, PROJECT_SCOPED_FAULTS),
    ),
  );
}
