import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString } from 'class-validator';
import { QueryBoolean } from './query-values';

/** Query of `DELETE /os-vendor-backup-sharing/{id}`. */
export class CancelSharingQuery {
  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description: 'true: {id} is a backup ID and every sharing of that backup is canceled; false: {id} is a sharing ID.',
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean({ message: 'is_backup_id must be true, false, 1 or 0.' })
  is_backup_id?: boolean;
}

/** Query of `DELETE /os-vendor-backup-sharing?backup_id=...` (the published collection form). */
export class CancelBackupSharingsQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'The backup whose sharings are all canceled.' })
  @IsOptional()
  @IsString({ message: 'backup_id must be given once.' })
  backup_id?: string;
}
