import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, UseGuards, UsePipes } from '@nestjs/common';
import {
  BackupNotFoundError,
  Caller,
  CurrentCaller,
  NotAuthorizedError,
  ProjectScopeGuard,
  canonicalUuid,
  isUuid,
  toSharedBackupView,
  validationPipe,
} from '../../libs/backup-sharing/src';
import { BackupActionRequest, CreateBackupRequest } from './backup.dto';
import {
  ApiBackupAction,
  ApiBackupsController,
  ApiCreateBackup,
  ApiDeleteBackup,
  ApiListBackups,
  ApiShowBackup,
} from './backups.api-docs';
import { BackupsService } from './backups.service';
import { BackupEntity } from './backup.entity';
import { toCatalogBackup } from './backup-catalog.adapter';

function view(backup: BackupEntity) {
  return { ...toSharedBackupView(toCatalogBackup(backup)), 'os-backup-project-attr:project_id': backup.projectId };
}

/** A subset of Cinder's v2 backups API, enough to exercise sharing end to end. */
@ApiBackupsController()
@Controller('v2/:project_id/backups')
@UseGuards(ProjectScopeGuard)
@UsePipes(validationPipe)
export class BackupsController {
  constructor(private readonly backups: BackupsService) {}

  @Post()
  @HttpCode(202)
  @ApiCreateBackup()
  async create(@CurrentCaller() caller: Caller, @Body() body: CreateBackupRequest, @Req() request: { protocol?: string; headers: Record<string, unknown> }) {
    const backup = await this.backups.create(caller.projectId, body.backup);
    const base = `${request.protocol ?? 'http'}://${String(request.headers.host ?? 'localhost')}`;
    return {
      backup: {
        id: backup.id,
        name: backup.name,
        links: [
          { href: `${base}/v2/${caller.projectId}/backups/${backup.id}`, rel: 'self' },
          { href: `${base}/${caller.projectId}/backups/${backup.id}`, rel: 'bookmark' },
        ],
      },
    };
  }

  @Get('detail')
  @ApiListBackups()
  async list(@CurrentCaller() caller: Caller) {
    return { backups: (await this.backups.list(caller.projectId)).map(view) };
  }

  @Get(':id')
  @ApiShowBackup()
  async get(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return { backup: view(await this.backups.get(caller.projectId, validId(id))) };
  }

  @Delete(':id')
  @HttpCode(202)
  @ApiDeleteBackup()
  async delete(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<void> {
    await this.backups.delete(caller.projectId, validId(id), caller.requestId);
  }

  @Post(':id/action')
  @HttpCode(202)
  @ApiBackupAction()
  async action(@CurrentCaller() caller: Caller, @Param('id') id: string, @Body() body: BackupActionRequest): Promise<void> {
    if (!caller.isAdmin) throw new NotAuthorizedError('os-reset_status is allowed to the admin role only.');
    await this.backups.resetStatus(caller.projectId, validId(id), body['os-reset_status'].status);
  }
}

/** A backup ID as the module spells it (lower case); anything but a UUID names no backup. */
function validId(id: string): string {
  if (!isUuid(id)) throw new BackupNotFoundError(id);
  return canonicalUuid(id);
}
