import { Module } from '@nestjs/common';
import { ServiceModule } from '@ensemble/service';
import { DashboardFigure } from './dashboard-figure.entity';
import { DashboardsController } from './dashboards.controller';
import { FiguresWindow } from './figures-window';
import { CreateDashboardFigures1763794000000 } from './migrations/1763794000000-create-dashboard-figures';

@Module({
  imports: [
    ServiceModule.forService({
      service: 'dashboards',
      entities: [DashboardFigure],
      migrations: [CreateDashboardFigures1763794000000],
      window: new FiguresWindow(),
      controllers: [DashboardsController],
    }),
  ],
})
export class DashboardsModule {}
