/** Board simulators and the socat pty pair, for relay and engine tests. */
export { PtyPair, startPtyPair } from './pty.js';
export { BoardSimulator, waitFor, type ReceivedFrame, type SimulatorMode } from './simulator.js';
export { ModbusBoardSimulator, crc16 } from './modbus.js';
export { LcusBoardSimulator } from './lcus.js';
export { NumatoBoardSimulator } from './numato.js';

import { ModbusBoardSimulator as Modbus } from './modbus.js';
import { startPtyPair as ptyPair, type PtyPair as Pair } from './pty.js';

/** A Modbus board simulator (8 coils, address 1 unless told) on the far end of a fresh socat pty. */
export async function startModbusBoard(coils = 8, address = 1): Promise<{ pair: Pair; sim: Modbus; close(): Promise<void> }> {
  const pair = await ptyPair('modbus');
  const sim = await new Modbus(pair.boardPath, coils, address).open();
  return {
    pair,
    sim,
    close: async () => {
      await sim.close();
      await pair.dispose();
    },
  };
}
