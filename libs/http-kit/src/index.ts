export * from './problem';
export * from './problem.filter';
export * from './validation';
export * from './health';
export * from './bootstrap';
export * from './metrics';
export * from './problem-docs';
