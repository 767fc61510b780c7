import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import { ApiProblem, ProblemError, ProblemType, RequireRoles, strictValidationPipe, validationProblem } from '@carts/http';
import { DATA_SOURCE, findProductActivity, topProducts, type ProductActivityView, type RankedProduct } from '@carts/read-model';
import { ApiBadQuery, ApiDatabaseUnavailable } from '../shared/api-docs';
import { ProductActivityDto, TopProductsDto } from './product-activity.dto';
import { SkuParams, TopProductsQueryDto } from './products.dto';

@ApiTags('products')
@ApiDatabaseUnavailable()
@RequireRoles('operator')
@Controller('products')
export class ProductsController {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  @Get('top')
  @ApiOperation({
    summary: 'Products ranked by units added, purchased or abandoned, or by checkout revenue in one currency',
    description: 'Only products whose value is above 0 are ranked, so fewer than `limit` may come back. One answer is one snapshot: the ranking '
      + 'as it stood at one instant (value descending, then sku). Not paginated — the values keep changing, so a page 2 could not be stable: ask for up to 100 at once.',
  })
  @ApiOkResponse({ type: TopProductsDto, description: '{ by, currency, items: [{ rank, value, ...activity }] }' })
  @ApiBadQuery()
  async top(@Query(strictValidationPipe()) query: TopProductsQueryDto): Promise<{ by: string; currency: string | null; items: RankedProduct[] }> {
    if (query.by === 'revenue' && !query.currency) {
      throw validationProblem([{ field: 'currency', message: 'by=revenue needs a currency (e.g. currency=EUR): amounts in different currencies cannot be ranked together' }]);
    }
    if (query.by !== 'revenue' && query.currency) throw validationProblem([{ field: 'currency', message: 'currency applies only to by=revenue' }]);
    return { by: query.by, currency: query.currency ?? null, items: await topProducts(this.ds, query.by, query.limit ?? 10, query.currency) };
  }

  @Get(':sku/activity')
  @ApiOperation({ summary: "A product's activity across all carts" })
  @ApiOkResponse({ type: ProductActivityDto, description: 'Counters, revenue per currency (minor units), last activity' })
  @ApiBadQuery()
  @ApiProblem(404, 'No activity recorded for this sku: `urn:carts:problem:not-found`, with `sku`')
  async activity(@Param(strictValidationPipe()) params: SkuParams): Promise<ProductActivityView> {
    const found = await findProductActivity(this.ds, params.sku);
    if (!found) throw new ProblemError(404, ProblemType.notFound, 'Not found', `No activity recorded for sku ${params.sku}`, { sku: params.sku });
    return found;
  }
}
