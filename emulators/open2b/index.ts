// PLACEHOLDER until the open2b emulator lands: replaced by the real emulator.
import type { Emulator, EmulatorOptions } from '../shared/types.js';

export type Open2bBackdoor = Record<string, never>;

export function createOpen2bEmulator(_options: EmulatorOptions = {}): Emulator<Open2bBackdoor> {
  throw new Error('the open2b emulator is not implemented yet');
}
