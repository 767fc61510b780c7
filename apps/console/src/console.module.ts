import { Module } from '@nestjs/common';
import { ConfigModule, requireAuth, type AppConfig } from '@carts/config';
import { AccessModule, HEALTH_CHECKS, HealthController } from '@carts/http';
import type { OperatorContext } from '@carts/operations';
import { ConsoleApiController } from './console-api.controller';
import { OPERATOR_CONTEXT, operatorContextProvider } from './operator-context.provider';
import { ProjectionBoard } from './projection-board.service';
import { RebuildJobs } from './rebuild-jobs.service';

export function consoleModule(config: AppConfig) {
  @Module({
    imports: [ConfigModule.forRoot(config), AccessModule.forRoot(requireAuth(config.auth), config.rateLimit)],
    controllers: [HealthController, ConsoleApiController],
    providers: [
      operatorContextProvider,
      ProjectionBoard,
      RebuildJobs,
      {
        provide: HEALTH_CHECKS,
        inject: [OPERATOR_CONTEXT],
        useFactory: (ctx: OperatorContext) => [
          { name: 'postgres', check: async () => (await (await ctx.ds()).query('SELECT 1 AS ok'))[0]?.ok === 1 },
          { name: 'kafka', check: async () => (await ctx.admin().cluster()).brokers > 0 },
        ],
      },
    ],
  })
  class ConsoleModule {}
  return ConsoleModule;
}
