import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRoles, unavailableProblem } from '@carts/http';
import type { ProjectionStatus } from '@carts/read-model';
import { ApiDatabaseUnavailable } from '../shared/api-docs';
import { ProjectionStatusService } from './projection-status.service';

@ApiTags('projections')
@ApiDatabaseUnavailable()
@RequireRoles('operator')
@Controller('projections')
export class ProjectionsController {
  constructor(private readonly status: ProjectionStatusService) {}

  @Get()
  @ApiOperation({ summary: 'Each projection: active generation, live / rebuilding (with progress) / diverged / failed / restarting, per-partition lag, last event time, health (reason, restarts, last error)' })
  @ApiOkResponse({ description: '{ projections: [...] } — lag = log end offset − stored next offset; health = what the projectors last reported' })
  async list(): Promise<{ projections: ProjectionStatus[] }> {
    try {
      return { projections: await this.status.statuses() };
    } catch (error) {
      if ((error as Error)?.name?.startsWith('KafkaJS')) throw unavailableProblem(`Cannot read log end offsets from Kafka: ${(error as Error).message}`, 2);
      throw error;
    }
  }
}
