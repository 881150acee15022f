// PLACEHOLDER until the scayle emulator lands: replaced by the real emulator.
import type { Emulator, EmulatorOptions } from '../shared/types.js';

export type ScayleBackdoor = Record<string, never>;

export function createScayleEmulator(_options: EmulatorOptions = {}): Emulator<ScayleBackdoor> {
  throw new Error('the scayle emulator is not implemented yet');
}
