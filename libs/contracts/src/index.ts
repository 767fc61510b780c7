export * from './topics';
export * from './event-envelope';
export * from './event-codec';
export * from './event-validation';
export * from './upcasters';
export * from './command-messages';
export * from './identifiers';
