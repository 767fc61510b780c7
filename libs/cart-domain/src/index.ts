export * from './cart.commands';
export * from './cart.events';
export * from './cart.state';
export * from './cart.errors';
export * from './cart.limits';
export * from './cart.decider';
export * from './decider';
