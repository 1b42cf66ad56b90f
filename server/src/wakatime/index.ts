// The wakatime room's named service interface: what other rooms may use of it.
export {
  WAKATIME_EXPORT_SECTIONS,
  expireHeartbeats,
  purgeWakatimeData,
  writeWakatimeSections,
} from './wakatime-privacy';
