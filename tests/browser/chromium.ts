// Debian's Chromium driven headless by playwright-core: never a downloaded
// browser, a fresh profile per launch, and every request that is not a local
// file refused and recorded, so a test can assert the page used no network.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_PATH } from '../../scripts/setup/chromium.ts';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface OpenedPage {
  page: Page;
  /** URLs of every request that was not file: or data:, in order (all refused) */
  networkRequests: string[];
  close(): Promise<void>;
}

const isLocal = (url: string) => url.startsWith('file:') || url.startsWith('data:') || url === 'about:blank';

/** Opens `url` in a fresh headless Chromium with the network cut off. */
export async function openInChromium(url: string, viewport = { width: 1200, height: 900 }): Promise<OpenedPage> {
  const profile = mkdtempSync(join(tmpdir(), 'fxa-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport,
    });
    const networkRequests: string[] = [];
    // refused at the route, recorded from the request events (websockets from their own event)
    await context.route('**/*', (route) => {
      const u = route.request().url();
      if (isLocal(u)) return route.continue();
      return route.abort('blockedbyclient');
    });
    context.on('request', (r) => {
      if (!isLocal(r.url())) networkRequests.push(r.url());
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('websocket', (ws) => networkRequests.push(ws.url()));
    await page.goto(url, { waitUntil: 'load' });
    const ctx = context;
    return {
      page,
      networkRequests,
      close: async () => {
        await ctx.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await context?.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
}
