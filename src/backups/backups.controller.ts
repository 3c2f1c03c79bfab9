import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, UseGuards, UsePipes } from '@nestjs/common';
import {
  BackupNotFoundError,
  Caller,
  CatalogBackup,
  CurrentCaller,
  FaultValidationPipe,
  NotAuthorizedError,
  ProjectScopeGuard,
  PublicAddress,
  canonicalUuid,
  isUuid,
  toSharedBackupView,
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
import { toCatalogBackup } from './backup-catalog.adapter';

function view(backup: CatalogBackup) {
  return { ...toSharedBackupView(backup), 'os-backup-project-attr:project_id': backup.projectId };
}

/** A subset of Cinder's v2 backups API, enough to exercise sharing end to end. */
@ApiBackupsController()
@Controller('v2/:project_id/backups')
@UseGuards(ProjectScopeGuard)
@UsePipes(FaultValidationPipe)
export class BackupsController {
  constructor(
    private readonly backups: BackupsService,
    private readonly address: PublicAddress,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiCreateBackup()
  async create(@CurrentCaller() caller: Caller, @Body() body: CreateBackupRequest, @Req() request: Parameters<PublicAddress['baseUrlOf']>[0]) {
    const backup = await this.backups.create(caller.projectId, body.backup);
    // The service's public address, as the module's `shared_links` have it: never the client's Host.
    const base = this.address.baseUrlOf(request);
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
    return { backups: (await this.backups.list(caller.projectId)).map((backup) => view(toCatalogBackup(backup))) };
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
