// Given/when/then for deciders, after oskardudycz/EventSourcing.NodeJS: state is always rebuilt
// from the given events through evolve, so a test never hand-builds a state that history could
// not produce. Uses Jest's global `expect`; import it from test files only.

import type { Decider } from '../decider';

export type DeciderThen<Event> = {
  /** decide returned exactly these events, in this order. */
  readonly then: (expected: readonly Event[]) => void;
  /** decide accepted the command and recorded nothing. */
  readonly thenNothing: () => void;
  /** decide threw an error carrying this `code`. */
  readonly thenThrows: (code: string) => void;
};

export type DeciderSpecification<Command, Event> = (given: readonly Event[]) => {
  readonly when: (command: Command) => DeciderThen<Event>;
};

type Outcome<Event> = { readonly events: readonly Event[] } | { readonly error: unknown };

export const DeciderSpecification = {
  for<State, Command, Event>(decider: Decider<State, Command, Event>): DeciderSpecification<Command, Event> {
    return (given) => ({
      when: (command) => {
        const run = (): Outcome<Event> => {
          const state = given.reduce(decider.evolve, decider.initialState);
          try {
            return { events: decider.decide(state, command) };
          } catch (error) {
            return { error };
          }
        };
        return {
          then: (expected) => expect(eventsOf(run())).toEqual(expected),
          thenNothing: () => expect(eventsOf(run())).toEqual([]),
          thenThrows: (code) => {
            const outcome = run();
            if ('events' in outcome) {
              throw new Error(`Expected ${code} to be thrown, but decide returned ${JSON.stringify(outcome.events)}`);
            }
            expect(outcome.error).toMatchObject({ code });
          },
        };
      },
    });
  },
};

function eventsOf<Event>(outcome: Outcome<Event>): readonly Event[] {
  // Re-throw so an unexpected rejection fails the test with the real error and its stack.
  if ('error' in outcome) throw outcome.error;
  return outcome.events;
}
