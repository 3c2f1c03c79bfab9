import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { EXAMPLE_PLACEHOLDERS } from '../http/openapi-examples';
import { QueryBoolean } from './query-values';

/** Query of `DELETE /os-vendor-backup-sharing/{id}`. */
export class CancelSharingQuery {
  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description:
      '`true`: `{id}` is a backup ID, and every sharing of that backup is canceled. ' +
      '`false` or absent: `{id}` is a sharing ID, and that one sharing is canceled.',
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean({ message: 'is_backup_id must be true, false, 1 or 0.' })
  is_backup_id?: boolean;
}

/** Query of `DELETE /os-vendor-backup-sharing?backup_id=...` (the published collection form). */
export class CancelBackupSharingsQuery {
  // Pre-filled in Swagger UI with the host's example backup, so that a first "Execute" works.
  @ApiPropertyOptional({ format: 'uuid', description: 'The backup whose sharings are all canceled (its ID, a UUID).', example: EXAMPLE_PLACEHOLDERS.backupId })
  @IsOptional()
  // `?backup_id=` names nothing: the 400 that says how to name what to cancel.
  @Transform(({ value }) => (value === '' ? undefined : value))
  // A query value, unlike a path, is a field of the request: malformed, it is a 400 (as in the
  // list's filter), not a 404 for a backup that cannot exist.
  @IsUUID('all', { message: 'backup_id must be a UUID.' })
  backup_id?: string;
}
