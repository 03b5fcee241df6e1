/**
 * Debian's chromium driven by playwright-core, for the viewer's end-to-end
 * tests, and screenshot analysis with pngjs. The browser comes from the
 * system (`apt-get install chromium`, which .ci/run does); nothing is
 * downloaded at install time.
 */
import { existsSync } from "node:fs";
import { PNG } from "pngjs";
import type { Browser, Locator, Page } from "playwright-core";

/** The chromium binary, or null when this machine has none. */
export function chromiumPath(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter((p): p is string => p !== undefined);
  return candidates.find((p) => existsSync(p)) ?? null;
}

export async function launch(): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  // SwiftShader gives WebGL without a GPU (headless CI machines have none).
  return chromium.launch({ executablePath: chromiumPath()!, args: ["--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist"] });
}

/** Opens the viewer at `url` and waits until every panel has drawn once. */
export async function openViewer(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => (globalThis as any).gradscape?.ready === true || (globalThis as any).gradscape?.error !== null, null, { timeout: 30_000 });
  const error = await page.evaluate(() => (globalThis as any).gradscape.error);
  if (error !== null || errors.length > 0) throw new Error(`viewer failed: ${error ?? errors.join("; ")}`);
  return page;
}

/** Moves the timeline to `frame` and waits for the panels to redraw. */
export async function selectFrame(page: Page, frame: number): Promise<void> {
  const before = await page.evaluate(() => (globalThis as any).gradscape.updates);
  await page.locator("#timeline input[type=range]").fill(String(frame));
  await page.waitForFunction(([n, f]) => (globalThis as any).gradscape.updates > n && (globalThis as any).gradscape.frame === f, [before, frame] as const);
}

/** Decoded RGBA pixels of an element's screenshot. */
export async function pixels(locator: Locator): Promise<PNG> {
  return PNG.sync.read(await locator.screenshot());
}

/** Fraction of pixels within `tolerance` (per channel) of a colour. */
export function fractionNear(png: PNG, rgb: [number, number, number], tolerance = 30): number {
  let hits = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    if (Math.abs(png.data[i] - rgb[0]) <= tolerance && Math.abs(png.data[i + 1] - rgb[1]) <= tolerance && Math.abs(png.data[i + 2] - rgb[2]) <= tolerance) hits++;
  }
  return hits / (png.width * png.height);
}

/** Number of distinct colours (quantized to 5 bits per channel). */
export function colourCount(png: PNG): number {
  const seen = new Set<number>();
  for (let i = 0; i < png.data.length; i += 4) seen.add(((png.data[i] >> 3) << 10) | ((png.data[i + 1] >> 3) << 5) | (png.data[i + 2] >> 3));
  return seen.size;
}

/** Fraction of pixels that differ (any channel by more than `tolerance`) between two same-size screenshots. */
export function fractionChanged(a: PNG, b: PNG, tolerance = 16): number {
  if (a.width !== b.width || a.height !== b.height) return 1;
  let changed = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    if (Math.abs(a.data[i] - b.data[i]) > tolerance || Math.abs(a.data[i + 1] - b.data[i + 1]) > tolerance || Math.abs(a.data[i + 2] - b.data[i + 2]) > tolerance) changed++;
  }
  return changed / (a.width * a.height);
}
