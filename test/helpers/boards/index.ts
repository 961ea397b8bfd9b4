/** Board simulators and the socat pty pair, for relay and engine tests. */
export { PtyPair, startPtyPair } from './pty.js';
export { BoardSimulator, waitFor, type ReceivedFrame, type SimulatorMode } from './simulator.js';
export { ModbusBoardSimulator, crc16 } from './modbus.js';
export { LcusBoardSimulator } from './lcus.js';
export { NumatoBoardSimulator } from './numato.js';
