import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { en } from '../../src/runtime/zod-english-only.js';
import { checkZodEnglishOnly } from '../../src/runtime/zod-check.js';

/** The Worker's zod locale alias (wrangler.toml [alias]): what it hands zod, and the start-up check of it. */
describe("the Worker build's English-only zod locales", () => {
  afterEach(() => z.config(z.locales.en()));

  it('hands zod the same English locale its own index exports', () => {
    expect(en).toBe(z.locales.en);
  });

  it('passes with English messages and refuses to start, naming zod, without them', () => {
    expect(() => checkZodEnglishOnly()).not.toThrow();
    z.config(z.locales.de());
    expect(() => checkZodEnglishOnly()).toThrow(/^zod 4\.\d+\.\d+ does not produce its English messages/);
  });
});
