/**
 * The compliance journal: append-only, hash-chained, sealed daily — the only place that knows SQL.
 * Other concerns import from here only.
 */
export type { EventPayloads, EventType, JournalEvent, SlotStatus } from './events.js';
export { SLOT_REASONS, REASON_DETAILS, slotReason, parseSlotReason, parseReasonDetail, reasonDetailText, slotReasonText, keyedReasonText, type SlotReasonCode, type ReasonDetailCode } from './reasons.js';
export { GENESIS_HASH, canonicalJson, canonicalRow, canonicalRowBytes, canonicalRowLength, layOutCanonicalRow, rowHash, rowHashOfCanonical, type HashedRow, type RowTextRanges } from './canonical.js';
export {
  Journal,
  openJournal,
  MIGRATIONS,
  SCHEMA_VERSION,
  type EventQuery,
  type JournalHead,
  type OpenJournalOptions,
} from './store.js';
export {
  PRIVATE_KEY_FILE,
  PUBLIC_KEY_FILE,
  ed25519Backend,
  fingerprint,
  initStationKeys,
  loadPublicKey,
  loadStationKeys,
  publicKeyBase64,
  signText,
  toPublicKey,
  verifyText,
  type PublicKeyInfo,
  type PublicKeyLike,
  type StationKeys,
} from './keys.js';
export { makeSealPayload, sealDay, sealMessage, sealPendingDays, unsealedDays, verifySeal, type SealCheck, type SealPayload } from './seal.js';
export {
  describeVerifyResult,
  ChainVerifier,
  verifyEvents,
  verifyJournal,
  type VerifyFailure,
  type VerifyJournalOptions,
  type VerifyOptions,
  type VerifyProblem,
  type VerifyResult,
  type StoredEvent,
} from './verify.js';
export { localDate, localIso, nextDate, previousDate } from './time.js';
export { describeEvent, renderDayLog, type DayLogOptions } from './log.js';
export * from './district.js';
