// The sessions room's named service interface: what other rooms may use of it.
export {
  FLOW_STATE_COLUMNS,
  SESSION_COLUMNS,
  flowStateRowParams,
  sessionFromRow,
  sessionRowParams,
  type SessionRow,
} from './session-rows';
