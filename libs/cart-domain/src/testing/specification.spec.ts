// The helper must be able to fail, or every spec built on it proves nothing.
import { CartError } from '../cart.errors';
import { DeciderSpecification } from './specification';

type Command = { readonly type: 'Add'; readonly n: number } | { readonly type: 'Fail' };
type Event = { readonly type: 'Added'; readonly n: number };

const counter = DeciderSpecification.for<number, Command, Event>({
  initialState: 0,
  evolve: (total, event) => total + event.n,
  decide: (total, command) => {
    if (command.type === 'Fail') throw new CartError('CART_CLOSED', `closed at ${total}`);
    return command.n === 0 ? [] : [{ type: 'Added', n: total + command.n }];
  },
});

describe('DeciderSpecification', () => {
  it('builds the state from the given events before deciding', () => {
    counter([{ type: 'Added', n: 2 }, { type: 'Added', n: 3 }]).when({ type: 'Add', n: 1 }).then([{ type: 'Added', n: 6 }]);
  });

  it('then fails on different events', () => {
    expect(() => counter([]).when({ type: 'Add', n: 1 }).then([{ type: 'Added', n: 2 }])).toThrow();
  });

  it('then fails, with the real error, when decide throws', () => {
    expect(() => counter([]).when({ type: 'Fail' }).then([])).toThrow('closed at 0');
  });

  it('thenNothing passes on [] and fails when events come out', () => {
    counter([]).when({ type: 'Add', n: 0 }).thenNothing();
    expect(() => counter([]).when({ type: 'Add', n: 1 }).thenNothing()).toThrow();
  });

  it('thenThrows passes on the expected code only', () => {
    counter([]).when({ type: 'Fail' }).thenThrows('CART_CLOSED');
    expect(() => counter([]).when({ type: 'Fail' }).thenThrows('CART_EMPTY')).toThrow();
  });

  it('thenThrows fails when decide does not throw', () => {
    expect(() => counter([]).when({ type: 'Add', n: 1 }).thenThrows('CART_CLOSED')).toThrow(
      'Expected CART_CLOSED to be thrown, but decide returned [{"type":"Added","n":1}]',
    );
  });
});
