import type { AppConfig } from '@carts/config';
import { CommandFailed, OperatorContext, type Output } from '@carts/operations';
import type { ProjectionDefinition } from '@carts/read-model';

export { CommandFailed, type Output };

/** A usage mistake: exit code 2, with the usage text. */
export class UsageError extends Error {}

/** What every command needs (libs/operations, shared with the console); a projection name mistake is a usage error here. */
export class CliContext extends OperatorContext {
  constructor(config: AppConfig, out: Output) {
    super(config, out, 'cartctl');
  }

  override projection(name: string | undefined): ProjectionDefinition {
    if (!name) throw new UsageError(`name a projection: ${this.projections.map((p) => p.name).join(', ')}`);
    try {
      return super.projection(name);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
}
