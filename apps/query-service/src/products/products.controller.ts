import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProblemError, ProblemType, strictValidationPipe, validationProblem } from '@carts/http';
import { ProductActivityReader, type ProductActivityView, type RankedProduct } from './product-activity.reader';
import { SkuParams, TopProductsQueryDto } from './products.dto';

@ApiTags('products')
@Controller('products')
export class ProductsController {
  constructor(private readonly reader: ProductActivityReader) {}

  @Get('top')
  @ApiOperation({ summary: 'Products ranked by units added, purchased or abandoned, or by checkout revenue in one currency' })
  @ApiOkResponse({ description: '{ by, currency, items: [{ rank, value, ...activity }] }' })
  async top(@Query(strictValidationPipe()) query: TopProductsQueryDto): Promise<{ by: string; currency: string | null; items: RankedProduct[] }> {
    if (query.by === 'revenue' && !query.currency) {
      throw validationProblem([{ field: 'currency', message: 'by=revenue needs a currency (e.g. currency=EUR): amounts in different currencies cannot be ranked together' }]);
    }
    if (query.by !== 'revenue' && query.currency) throw validationProblem([{ field: 'currency', message: 'currency applies only to by=revenue' }]);
    return { by: query.by, currency: query.currency ?? null, items: await this.reader.top(query.by, query.limit ?? 10, query.currency) };
  }

  @Get(':sku/activity')
  @ApiOperation({ summary: "A product's activity across all carts" })
  @ApiOkResponse({ description: 'Counters, revenue per currency (minor units), last activity' })
  async activity(@Param(strictValidationPipe()) params: SkuParams): Promise<ProductActivityView> {
    const found = await this.reader.find(params.sku);
    if (!found) throw new ProblemError(404, ProblemType.notFound, 'Not found', `No activity recorded for sku ${params.sku}`, { sku: params.sku });
    return found;
  }
}
