// PLACEHOLDER until the sfcc emulator lands: replaced by the real emulator.
import type { Emulator, EmulatorOptions } from '../shared/types.js';

export type SfccBackdoor = Record<string, never>;

export function createSfccEmulator(_options: EmulatorOptions = {}): Emulator<SfccBackdoor> {
  throw new Error('the sfcc emulator is not implemented yet');
}
