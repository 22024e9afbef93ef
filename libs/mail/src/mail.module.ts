import { Module } from '@nestjs/common';
import { PLATFORM_CONFIG, PlatformConfig } from '@ensemble/config';
import { MailSender } from './mail-sender';

/** The process's one {@link MailSender}, built from its mail settings and closed when it shuts down. */
@Module({
  providers: [{ provide: MailSender, useFactory: (config: PlatformConfig) => new MailSender(config.mail), inject: [PLATFORM_CONFIG] }],
  exports: [MailSender],
})
export class MailModule {}
