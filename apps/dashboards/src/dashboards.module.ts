import { Module } from '@nestjs/common';
import { PlatformConfigModule } from '@ensemble/config';
import { ServiceDatabaseModule } from '@ensemble/database';
import { HealthModule } from '@ensemble/health';
import { ProcessedEvent } from '@ensemble/inbox';
import { CONSUMER_MIGRATIONS, EventConsumerModule } from '@ensemble/event-consumer';
import { MetricsModule } from '@ensemble/metrics';
import { ReplayModule } from '@ensemble/replay';
import { DashboardFigure } from './dashboard-figure.entity';
import { DashboardsController } from './dashboards.controller';
import { FiguresWindow } from './figures-window';
import { CreateDashboardFigures1763794000000 } from './migrations/1763794000000-create-dashboard-figures';

@Module({
  imports: [
    PlatformConfigModule.forRoot(),
    ServiceDatabaseModule.forRoot({
      service: 'dashboards',
      entities: [DashboardFigure, ProcessedEvent],
      migrations: [...CONSUMER_MIGRATIONS, CreateDashboardFigures1763794000000],
    }),
    EventConsumerModule.forRoot({ service: 'dashboards' }),
    ReplayModule.forRoot({ service: 'dashboards', projection: [CreateDashboardFigures1763794000000], window: new FiguresWindow() }),
    MetricsModule,
    HealthModule,
  ],
  controllers: [DashboardsController],
})
export class DashboardsModule {}
