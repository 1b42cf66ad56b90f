// The flow room's named service interface: what other rooms may use of it.
export { flowStateResultSchema } from './flow-route-docs';
