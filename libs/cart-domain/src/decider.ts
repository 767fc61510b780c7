/**
 * The shape of a decider (after Emmett's and Jérémie Chassaing's): `decide` turns a command and
 * the current state into events (or throws a CartError), `evolve` folds a recorded event into the
 * state and never throws, `initialState` is the state before any event.
 */
export type Decider<State, Command, Event> = {
  readonly decide: (state: State, command: Command) => readonly Event[];
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: State;
};
