import { Module } from '@nestjs/common';
import { MailModule } from '@ensemble/mail';
import { ServiceModule } from '@ensemble/service';
import { Email } from './email.entity';
import { EmailDelivery } from './email-delivery';
import { EmailWorker } from './email-worker';
import { CreateEmails1764900100000 } from './migrations/1764900100000-create-emails';
import { NotificationsController } from './notifications.controller';
import { OPEN_EMAILS } from './open-emails';

@Module({
  imports: [
    ServiceModule.forService({
      service: 'notifications',
      entities: [Email],
      migrations: [CreateEmails1764900100000],
      openWork: OPEN_EMAILS,
      controllers: [NotificationsController],
      imports: [MailModule],
      providers: [EmailDelivery, EmailWorker],
    }),
  ],
})
export class NotificationsModule {}
