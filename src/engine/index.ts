/**
 * engine/: the broadcast daemon — clock, timers, the slot state machine, priorities,
 * the control socket, crash recovery. The only public entry of the concern.
 */
export { SystemClock, FakeClock, flushAsync, type Clock, type Timer } from './clock.js';
export { Engine, type EngineOptions, type EngineStatus, type QueuedBulletin } from './engine.js';
export type { AudioPort, BroadcastBulletin, BroadcastHandle, BroadcastOutcome, BroadcastRequest, JournalPort, LogLevel, LogSink, Planner, RelayPort } from './ports.js';
export { ZoneBook } from './zones.js';
export { findSocket, listenControl, playThroughDaemon, request, socketPath, type ControlRequest, type ControlServer } from './control.js';
export { CLOCK_CHECK_EVERY_MS, parseChrony, readClockStatus, systemdUnit, unitName, watchClockStatus, type ClockStatus, type UnitOptions } from './system.js';
export { startDaemon, type Daemon, type DaemonOptions } from './daemon.js';
export { consoleLog } from './log.js';
export { runDemo } from './demo.js';
