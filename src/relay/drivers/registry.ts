/** Driver name (as written in the schedule) → board family. A new family adds one line here. */
import type { DriverFamily } from './types.js';
import { modbusRtu } from './modbus-rtu/driver.js';
import { lcus } from './lcus/driver.js';
import { numato } from './numato/driver.js';

export const driverFamilies: Record<string, DriverFamily> = {
  [modbusRtu.name]: modbusRtu,
  [lcus.name]: lcus,
  [numato.name]: numato,
};

export function findDriverFamily(name: string): DriverFamily | undefined {
  return Object.hasOwn(driverFamilies, name) ? driverFamilies[name] : undefined;
}
