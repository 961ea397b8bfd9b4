/**
 * relay/: loudspeaker zones over serial relay boards. The only public entry of the
 * concern; the only place in loaxa that knows serial bytes.
 */
export { openZones } from './zones.js';
export type { ZoneController, ZoneReport, ZoneStatus, RelayEvent, OpenZonesOptions, Confirmation, SwitchOnOptions, SwitchOffOptions } from './zones.js';
import { driverFamilies } from './drivers/registry.js';

/** Names of the board families loaxa can drive (`relays.<id>.driver`). */
export function relayDriverNames(): string[] {
  return Object.keys(driverFamilies);
}

export interface AttachedAdapter {
  path: string;
  manufacturer?: string;
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
}

/**
 * Serial adapters the system can see. Needs udev (`udevadm`) and never lists ptys:
 * a convenience that may fail, never the source of a port path.
 */
export async function listAttachedAdapters(): Promise<AttachedAdapter[]> {
  const { SerialPort } = await import('serialport');
  const ports = await SerialPort.list();
  return ports.map((p) => ({ path: p.path, manufacturer: p.manufacturer, vendorId: p.vendorId, productId: p.productId, serialNumber: p.serialNumber }));
}
export { startSimulatedBoard, type SimulatedBoard, type SimulatedFrame } from './simulator.js';
