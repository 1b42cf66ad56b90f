// The privacy room's named service interface: what other rooms may use of it.
export type { JsonObjectStream } from './json-stream';
