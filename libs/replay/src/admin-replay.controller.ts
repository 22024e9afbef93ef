import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Res, UseGuards } from '@nestjs/common';
import { Response } from 'express';
import { AdminTokenGuard, ZodValidationPipe } from '@ensemble/http';
import { ReplayProgress } from './replay';
import { replayRequest, ReplayRequestBody } from './replay-request';
import { Replays } from './replays';

/** The admin API of a service's replays: start one, watch it, cancel it. `npm run replay` drives it. */
@Controller('admin/replay')
@UseGuards(AdminTokenGuard)
export class AdminReplayController {
  constructor(private readonly replays: Replays) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  async start(@Body(new ZodValidationPipe(replayRequest)) request: ReplayRequestBody = {}, @Res({ passthrough: true }) response: Response): Promise<ReplayProgress> {
    const { from, to } = request;
    const replay = to ? await this.replays.snapshot({ from, to }) : await this.replays.rebuild({ from });
    response.setHeader('Location', `/admin/replay/${replay.id}`);
    return replay.progress();
  }

  @Get()
  list(): ReplayProgress[] {
    return this.replays.list().map((replay) => replay.progress());
  }

  @Get(':id')
  find(@Param('id') id: string): ReplayProgress {
    return this.replays.find(id).progress();
  }

  /** Cancels a running replay (its shadow is dropped, the live projection untouched) and answers how it ended. */
  @Delete(':id')
  async cancel(@Param('id') id: string): Promise<ReplayProgress> {
    const replay = this.replays.find(id);
    await replay.cancel();
    return replay.progress();
  }
}
