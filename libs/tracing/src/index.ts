export * from './sdk';
export * from './spans';
export * from './record-headers';
