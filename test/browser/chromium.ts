import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's `chromium` package (`.ci/run` installs it); CHROMIUM_PATH overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why the browser tests cannot run here, or undefined when they can. Printed, never silent. */
export const noBrowserReason = existsSync(CHROMIUM_PATH)
  ? undefined
  : `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
if (noBrowserReason) console.warn(`SKIPPING browser tests: ${noBrowserReason}`);

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
}

/**
 * Lets the page reach only the given origins (loopback servers of the test); every other request
 * (a CDN, fonts, telemetry) is refused and recorded, so "works offline" is checked, not assumed.
 */
export async function onlyOrigins(page: Page, origins: string[]): Promise<string[]> {
  const refused: string[] = [];
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (origins.some((origin) => url.startsWith(`${origin}/`)) || url.startsWith('data:') || url.startsWith('blob:'))
      return route.continue();
    refused.push(url);
    return route.abort('blockedbyclient');
  });
  return refused;
}

/** Serves one page of `fixtures/` on loopback: its origin is what CORS_ORIGINS allows (or not). */
export async function serveFixture(name: string): Promise<{ origin: string; server: Server }> {
  const html = await readFile(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
  const server = createServer((_request, response) =>
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}
