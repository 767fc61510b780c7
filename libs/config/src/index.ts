export * from './env-parsers';
export * from './app-config';
export * from './config.module';
export * from './auth-config';
export * from './kafka-secrets';
export * from './tracing-config';
