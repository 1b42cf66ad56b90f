/** What other rooms may use of the WakaTime-compatible API: mounting it, and its part in export, purge and retention. */
export { mountWakatime } from './wakatime-routes';
export {
  purgeWakatimeData,
  expireHeartbeats,
  WAKATIME_EXPORT_SECTIONS,
  writeWakatimeSections,
} from './wakatime-privacy';
