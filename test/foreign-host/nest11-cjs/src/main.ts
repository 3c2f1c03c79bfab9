import { NestFactory } from '@nestjs/core';
import { foreignAppModule } from './foreign-app.module';

async function bootstrap() {
  const app = await NestFactory.create(foreignAppModule(process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/storage'));
  await app.listen(process.env.PORT ?? 3000);
}
void bootstrap();
