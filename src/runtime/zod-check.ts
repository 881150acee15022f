import { z } from 'zod';

/**
 * The Worker build gives zod only its English locale (src/runtime/zod-english-only.ts, through
 * wrangler.toml's `[alias]` of the path zod imports its locales by). Run at the Worker's start: if
 * a zod release no longer reads its messages that way, the gateway refuses to start, naming zod,
 * instead of answering validation problems without their messages.
 */
export function checkZodEnglishOnly(): void {
  const issue = z.string().safeParse(1).error?.issues[0];
  if (!issue?.message.startsWith('Invalid input: expected string'))
    throw new Error(
      `zod ${z.core.version.major}.${z.core.version.minor}.${z.core.version.patch} does not produce its English messages in this Worker build: the locale alias in wrangler.toml no longer fits it (pin zod to the version docs/performance.md names, or drop the alias)`,
    );
}
