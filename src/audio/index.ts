/**
 * The audio concern's public entry: everything that sounds goes through here (ffmpeg).
 * Other concerns import only this file.
 */
export type {
  AudioEvent,
  AudioEventType,
  BroadcastBulletin,
  BroadcastHandle,
  BroadcastPlan,
  BroadcastResult,
  BroadcastSinks,
  BroadcastSource,
  BulletinMode,
  FeedProbe,
  NormalisedBulletin,
} from './types.js';
export { startBroadcast } from './broadcast.js';
export { checkSourceUrl, checkSourceUrlSyntax, playlistReferences, type SourceSpec } from './sources.js';
export { probeFeed, assertUsable, type ProbeOptions } from './probe.js';
export { normaliseBulletin, measureLufs, mediaInfo, DEFAULT_TARGET_LUFS, TRUE_PEAK_DB } from './normalise.js';
export { renderToFile, type RenderOptions, type RenderResult } from './render.js';
export { synthesiseBulletin, ttsVoice } from './tts.js';
export { recordingFileName, localIso } from './time.js';
export { placeBulletins } from './graph.js';
export { sha256File } from './ffmpeg.js';
export { playNow, resolveBulletin, type PlayOptions, type PlayResult } from './play.js';
export { startDemoFeed, makeToneFile, type DemoFeed } from './demo-feed.js';
