import { Logger } from '@nestjs/common';
import { createApp } from './create-app';
import { ConfigError, loadConfig } from './config/host.config';
import { DEMO_TOKENS } from './config/demo-tokens';
import { describeAuth } from './config/token-verifier.factory';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  const url = (await app.getUrl()).replace('[::1]', 'localhost');
  const logger = new Logger('Bootstrap');
  logger.log(describeAuth(config.auth));
  if (config.auth.demoTokens) {
    logger.log(`Demo tokens (X-Auth-Token): ${Object.entries(DEMO_TOKENS).map(([t, e]) => `${t} -> project ${e.project_id}`).join('; ')}`);
  }
  logger.log(`Block storage API listening on ${url}; Swagger UI at ${url}/docs`);
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
