import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig, loadConfigOrExit } from './app-config';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Makes the validated configuration injectable; tests pass their own object. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig = loadConfigOrExit()): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}
