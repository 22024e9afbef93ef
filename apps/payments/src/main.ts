import { NestFactory } from '@nestjs/core';
import { PaymentsModule } from './payments.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(PaymentsModule);
  app.enableShutdownHooks();
  await app.listen(Number(process.env.HTTP_PORT ?? 3000), '0.0.0.0');
}

void bootstrap();
