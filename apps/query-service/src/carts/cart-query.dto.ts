import { ApiPropertyOptional } from '@nestjs/swagger';
import { OptionalIntParam } from '../shared/query-params';

export const DEFAULT_WAIT_MS = 2000;
export const MAX_WAIT_MS = 10_000;

export class CartQueryDto {
  @ApiPropertyOptional({ description: 'Read-your-writes: answer only once the read model holds at least this version (the version a command returned)', minimum: 1 })
  @OptionalIntParam('minVersion', 1, 2_147_483_647)
  readonly minVersion?: number;

  @ApiPropertyOptional({ description: `How long to wait for minVersion, in ms (default ${DEFAULT_WAIT_MS})`, minimum: 0, maximum: MAX_WAIT_MS })
  @OptionalIntParam('waitMs', 0, MAX_WAIT_MS)
  readonly waitMs?: number;
}
