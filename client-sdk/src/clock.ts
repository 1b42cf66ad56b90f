/**
 * The SDK's only source of time: ms since the epoch. Injected so tests and replays are exact
 * (the flow engine itself takes time as an argument).
 */
export type Clock = () => number;

/** The wall clock. */
export const systemClock: Clock = () => Date.now();
