export * from './test-infra';
export * from './wait-for';
export * from './service-process';
export * from './http';
