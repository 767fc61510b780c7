export * from './operator-context';
export * from './format';
export * from './rate-window';
export * from './rebuild-watch';
export * from './rebuild-blue-green';
export * from './cart-history';
export * from './rebuild-lock';
