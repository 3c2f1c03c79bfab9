import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BackupSharingService } from '../libs/backup-sharing/src';
import { findDemoSharing } from './backups/demo-seed';
import { createApp } from './create-app';
import { ConfigError, loadConfig } from './config/host.config';
import { migrationState, readyRecord, readyText } from './bootstrap/ready.report';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  const url = (await app.getUrl()).replace('[::1]', 'localhost');
  const demoSharingId = config.demoSeed && config.demoSeedSharing ? await findDemoSharing(app.get(BackupSharingService)) : undefined;
  const facts = { url, config, migrations: await migrationState(app.get(DataSource)), demoSharingId };
  // One block a person reads at a terminal; one record a log collector parses.
  new Logger('Bootstrap').log(config.edge.logFormat === 'text' ? readyText(facts) : readyRecord(facts));
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
