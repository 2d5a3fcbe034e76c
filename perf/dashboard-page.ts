// The desk page for the dashboard benchmark: its server fed by the bench pen's frames, and the page in real Chromium with its CPU read over CDP.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { OVER_DEPTH_MARGIN_UM, HOME_MAX_DEPTH_UM } from '../src/limits/index.js';
import { FLUSH_HZ, FeedPublisher } from '../src/desktop/feed-publisher.js';
import { loadPageAssets } from '../src/desktop/page-assets.js';
import { PenFeed } from '../src/desktop/pen-feed.js';
import { PLOT_BUCKET_MS } from '../src/desktop/pen-only-desk.js';
import { DeskServer, type DeskHandler } from '../src/desktop/server.js';
import { DESK_PROTOCOL_VERSION } from '../src/desktop/shared/messages.js';

/** Debian's Chromium (the browser the desk's browser tests use). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** NOTE: without these flags Chromium floods the closed network with refused connections (dependencies.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * The page's server with a feed and its publisher, as a desk mode runs them; the page can ask
 * nothing here (the bench pen has no fault back door), and its welcome names the bench pen.
 */
export class BenchDashboard {
  readonly feed = new PenFeed({
    bucketMs: PLOT_BUCKET_MS,
    limitsUm: () => ({ capUm: HOME_MAX_DEPTH_UM, tripUm: HOME_MAX_DEPTH_UM + OVER_DEPTH_MARGIN_UM }),
  });
  /** Wall time of each flush (drain, decode, JSON, send) on this process's event loop, ms. */
  readonly flushMs: number[] = [];
  /** CPU time of each flush (this process, all threads), ms: wall beyond it is time the process was descheduled. */
  readonly flushCpuMs: number[] = [];
  private readonly timer: ReturnType<typeof setInterval>;

  private constructor(
    readonly server: DeskServer,
    nowMs: () => number,
  ) {
    const publisher = new FeedPublisher(this.feed, (message, droppable) => server.broadcast(message, droppable));
    this.timer = setInterval(() => {
      const startedAtMs = performance.now();
      const cpuBefore = process.cpuUsage();
      publisher.flush(nowMs());
      const cpu = process.cpuUsage(cpuBefore);
      this.flushMs.push(performance.now() - startedAtMs);
      this.flushCpuMs.push((cpu.user + cpu.system) / 1000);
    }, 1000 / FLUSH_HZ);
  }

  /** Starts the server; `nowMs` is the feed's clock (the bench session's virtual ms). */
  static async start(nowMs: () => number): Promise<BenchDashboard> {
    const handler: DeskHandler = {
      welcome: () => ({
        type: 'welcome',
        protocol: DESK_PROTOCOL_VERSION,
        mode: 'pen-only',
        accepts: [],
        portPath: 'perf: bench pen',
        pen: {
          sku: 'home',
          serialNumber: 0,
          capUm: HOME_MAX_DEPTH_UM,
          tripUm: HOME_MAX_DEPTH_UM + OVER_DEPTH_MARGIN_UM,
        },
        faults: [],
        feed: { flushHz: FLUSH_HZ, bucketMs: PLOT_BUCKET_MS },
      }),
      handle: () => ({ ok: false, code: 'NOT_AVAILABLE', message: 'the benchmark page asks nothing' }),
      disconnected: () => {},
    };
    return new BenchDashboard(await DeskServer.start({ handler, assets: loadPageAssets() }), nowMs);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.server.close();
  }
}

/** CPU seconds of Chromium's processes, by kind. */
export interface ChromiumCpu {
  readonly rendererS: number;
  readonly otherS: number;
}

/** Chromium with the desk page open. */
export class BenchBrowser {
  private constructor(
    private readonly context: BrowserContext,
    private readonly cdp: CDPSession,
    readonly page: Page,
    private readonly profile: string,
  ) {}

  /** Launches headless Chromium with a fresh profile and opens `url`. */
  static async open(url: string): Promise<BenchBrowser> {
    const profile = mkdtempSync(join(tmpdir(), 'mnpen-perf-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 1000 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);
    await page.locator('#connection[data-state="open"]').waitFor();
    const browser = context.browser();
    if (browser === null) throw new Error('no browser behind the persistent context');
    return new BenchBrowser(context, await browser.newBrowserCDPSession(), page, profile);
  }

  /** Cumulative CPU time of the renderer processes and of the rest of Chromium, s (10 ms resolution). */
  async cpu(): Promise<ChromiumCpu> {
    const info = (await this.cdp.send('SystemInfo.getProcessInfo')) as {
      processInfo: { type: string; cpuTime: number }[];
    };
    let rendererS = 0;
    let otherS = 0;
    for (const process of info.processInfo) {
      if (process.type === 'renderer') rendererS += process.cpuTime;
      else otherS += process.cpuTime;
    }
    return { rendererS, otherS };
  }

  /** The page's own figures over its last second (its footer's data attributes). */
  async pageFigures(): Promise<{ rowsPerSecond: number; pointsPerSecond: number; redrawsPerSecond: number }> {
    const read = async (name: string): Promise<number> => Number(await this.page.getAttribute('#feed', name));
    return {
      rowsPerSecond: await read('data-rows-per-second'),
      pointsPerSecond: await read('data-points-per-second'),
      redrawsPerSecond: await read('data-redraws-per-second'),
    };
  }

  async close(): Promise<void> {
    await this.context.close();
    rmSync(this.profile, { recursive: true, force: true });
  }
}

/** True when the benchmark's browser is installed. */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}
