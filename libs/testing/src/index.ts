export * from './test-infra';
export * from './wait-for';
export * from './service-process';
export * from './http';
export * from './cart-session-generator';
export * from './isolated-env';
export * from './cartctl-process';
export * from './read-model-snapshot';
