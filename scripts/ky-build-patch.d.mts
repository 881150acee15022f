import type { Plugin } from 'esbuild';

export const KY_VERSION: string;
export const KY_MODULE: RegExp;
export function patchKySource(path: string, root: string): string;
export function kyConstructionPlugin(root: string): Plugin;
