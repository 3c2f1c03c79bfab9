import { ApiProperty } from '@nestjs/swagger';
import { EXAMPLE_PLACEHOLDERS } from '../http/openapi-examples';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsObject,
  IsString,
  IsUUID,
  Matches,
  ValidateNested,
} from 'class-validator';
import { PROJECT_ID_PATTERN } from '../auth/project-scope.guard';

export class ShareBackupFields {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_PLACEHOLDERS.backupId })
  @IsUUID('all', { message: 'shared.backup_id must be a UUID.' })
  backup_id: string;

  @ApiProperty({
    type: [String],
    minItems: 1,
    maxItems: 10,
    description: 'Projects to share the backup with: 1 to 10 IDs of letters, digits, "-" and "_" (at most 64 characters each).',
    example: [EXAMPLE_PLACEHOLDERS.toProjectId],
  })
  @IsArray({ message: 'shared.to_project_ids must be an array of project IDs.' })
  @ArrayMinSize(1, { message: 'shared.to_project_ids must name at least one project.' })
  @ArrayMaxSize(10, { message: 'shared.to_project_ids may name at most 10 projects.' })
  @IsString({ each: true, message: 'Each of shared.to_project_ids must be a string.' })
  @Matches(PROJECT_ID_PATTERN, {
    each: true,
    message: 'Each of shared.to_project_ids must be 1 to 64 letters, digits, "-" or "_".',
  })
  to_project_ids: string[];
}

/** Body of `POST /os-vendor-backup-sharing`. */
export class ShareBackupRequest {
  @ApiProperty({ type: ShareBackupFields })
  @IsDefined({ message: 'The body must be {"shared": {"backup_id": ..., "to_project_ids": [...]}}.' })
  @IsObject({ message: 'shared must be an object.' })
  @ValidateNested()
  @Type(() => ShareBackupFields)
  shared: ShareBackupFields;
}
