/**
 * The viewer in a real browser (Debian's chromium, headless, through
 * playwright-core): a 1D and a 2D wave, a heat and a molecular run folder open, every
 * panel draws non-empty pixels, the timeline changes what is drawn, and
 * live mode receives the iterations of a running inversion.
 * Skipped, with a message, where chromium is missing; .ci/run installs it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runHeatInversion } from "../src/scene/heat-inversion.js";
import { loadScene } from "../src/scene/load.js";
import { runBasinHopping } from "../src/scene/molecular.js";
import { runWaveInversion } from "../src/scene/wave-inversion.js";
import { runWave2DInversion } from "../src/scene/wave2d-inversion.js";
import { serveRun, type ViewerServer } from "../src/view/server.js";
import { chromiumPath, colourCount, fractionChanged, fractionNear, launch, openViewer, pixels, selectFrame } from "./helpers/browser.js";
import { bundle } from "./helpers/bundle.js";

const chromium = chromiumPath();
if (chromium === null) console.warn("viewer browser tests skipped: no chromium on this machine (apt-get install chromium; .ci/run does)");

const ORANGE: [number, number, number] = [0xf4, 0xa2, 0x61]; // the current model, the atoms

/** Run folders for the three kinds of physics (waves in 1D and 2D), made small. */
function runs(): { wave: string; wave2d: string; heat: string; molecular: string } {
  const folder = () => mkdtempSync(join(tmpdir(), "viewer-"));
  const wave = loadScene("scenes/continuation-fwi.json");
  const heat = loadScene("scenes/heat-inclusion.json");
  const molecular = loadScene("scenes/morse-cluster.json");
  const wave2d = loadScene("scenes/illumination2d-preconditioned.json");
  if (wave.kind !== "wave-inversion" || heat.kind !== "heat-inversion" || molecular.kind !== "molecular-basin-hopping" || wave2d.kind !== "wave2d-inversion") throw new Error("unexpected scene kinds");
  if (!("sources" in wave2d.shots)) throw new Error("expected shots along lines");
  const dirs = { wave: folder(), wave2d: folder(), heat: folder(), molecular: folder() };
  runWaveInversion({ ...wave, optimizer: { ...wave.optimizer, iterations: 5 } }, dirs.wave);
  // The viewer must read the stage labels from the folder's arrays, not from the scene: hide the scene's bands.
  const manifestPath = join(dirs.wave, "manifest.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  writeFileSync(manifestPath, JSON.stringify({ ...manifest, scene: { ...manifest.scene, bands: [] } }));
  // Two shots of 40 receivers over 0.7 s, two iterations: about 5 s.
  const shots = { sources: { ...wave2d.shots.sources, count: 2 }, receivers: { ...wave2d.shots.receivers, count: 40 } };
  runWave2DInversion({ ...wave2d, time: { ...wave2d.time, nt: 700 }, shots, optimizer: { ...wave2d.optimizer, iterations: 2 } }, dirs.wave2d);
  runHeatInversion({ ...heat, optimizer: { ...heat.optimizer, iterations: 6 } }, dirs.heat);
  runBasinHopping(molecular, dirs.molecular);
  return dirs;
}

describe.skipIf(chromium === null)("the viewer in chromium", () => {
  let browser: Browser;
  let assets: string;
  let folders: ReturnType<typeof runs>;
  const servers: ViewerServer[] = [];
  const serve = async (dir: string) => {
    const s = await serveRun(dir, { assets });
    servers.push(s);
    return s.url;
  };

  beforeAll(async () => {
    assets = (await bundle("viewer-browser", { viewer: true })).viewer;
    folders = runs();
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    for (const s of servers) await s.close();
  });

  test("a wave inversion: model, misfit, gradient, data and wavefield panels draw, and the slider changes the model drawn", async () => {
    const page = await openViewer(browser, await serve(folders.wave));
    expect(await page.evaluate(() => (globalThis as any).gradscape.panels)).toEqual(["model", "misfit", "gradient", "data", "field"]);
    expect(await page.locator(".bands .band").allTextContents()).toEqual(["2 Hz", "4 Hz", "7 Hz", "full band"]);
    // Line plots: the current model is orange; the misfit and gradient curves have their own colours.
    const model = page.locator("section[data-panel=model] canvas").first();
    const last = await pixels(model);
    expect(fractionNear(last, ORANGE)).toBeGreaterThan(0.002);
    // The objective (white) and its least-squares term (orange) nearly coincide (the smoothing term is
    // small), the term drawn over the total: together they cover what the one curve did.
    const misfit = await pixels(page.locator("section[data-panel=misfit] canvas").first());
    expect(fractionNear(misfit, [0xee, 0xee, 0xee], 20) + fractionNear(misfit, ORANGE)).toBeGreaterThan(0.002);
    expect(fractionNear(await pixels(page.locator("section[data-panel=gradient] canvas").first()), [0xc7, 0x7d, 0xff])).toBeGreaterThan(0.002);
    // Images (three.js canvases): gathers and the wavefield hold many colours of the map, not one flat fill.
    for (const panel of ["data", "field"]) {
      const gl = page.locator(`section[data-panel=${panel}] canvas.image-gl`);
      expect(await gl.count()).toBeGreaterThan(0);
      expect(colourCount(await pixels(gl.first())), panel).toBeGreaterThan(20);
    }
    // The residual at the default (auto) gain is not blank: at noise level it would be one flat colour
    // on the data's scale; the gain chosen is named in its caption.
    const residual = page.locator("section[data-panel=data] figure.image").nth(2);
    expect(colourCount(await pixels(residual.locator("canvas.image-gl"))), "residual").toBeGreaterThan(20);
    expect(await residual.locator("figcaption").textContent()).toMatch(/^residual \(predicted - observed\) ×\d+ \(auto gain\)$/);
    // Gathers share the panel's width three ways instead of sitting small in a wide panel.
    const dataWidth = await page.locator("section[data-panel=data]").evaluate((e) => e.clientWidth);
    expect(await residual.evaluate((e) => e.clientWidth)).toBeGreaterThan(0.25 * dataWidth);
    const legend = () => page.locator("section[data-panel=model] .u-legend .u-series").nth(3).locator(".u-label").textContent();
    const iterations = await page.evaluate(() => (globalThis as any).gradscape.frames - 1);
    expect(await legend()).toBe(`iteration ${iterations}`);
    const predicted = page.locator("section[data-panel=data] figure.image").nth(1);
    expect(await predicted.locator("figcaption").textContent()).toBe("predicted (final model)");
    const predictedLast = await pixels(predicted.locator("canvas.image-gl"));
    // Frame 0 is the homogeneous start: a flat line instead of the layered update, and its own predicted data.
    await selectFrame(page, 0);
    const first = await pixels(model);
    expect(fractionChanged(first, last)).toBeGreaterThan(0.005);
    expect(await predicted.locator("figcaption").textContent()).toBe("predicted (iteration 0)");
    expect(fractionChanged(await pixels(predicted.locator("canvas.image-gl")), predictedLast)).toBeGreaterThan(0.01);
    // The legend names the iteration drawn.
    expect(await legend()).toBe("iteration 0");
    await page.close();
  });

  test("a 2D heat inversion: model and temperature colour maps, misfit, gradient and data draw; the slider changes the model image", async () => {
    const page = await openViewer(browser, await serve(folders.heat));
    expect(await page.evaluate(() => (globalThis as any).gradscape.panels)).toEqual(["model2d", "misfit", "gradient", "data", "field"]);
    for (const panel of ["model2d", "gradient", "data", "field"]) {
      expect(colourCount(await pixels(page.locator(`section[data-panel=${panel}] canvas.image-gl`).first())), panel).toBeGreaterThan(8);
    }
    const current = page.locator("section[data-panel=model2d] canvas.image-gl").first();
    const last = await pixels(current);
    // The square plate is drawn square, and the recovered conductivity has a scale of its own by default (on
    // the truth's 1-5 W/(m K) its weak blur would take a handful of the darkest colours).
    expect(await page.locator("section[data-panel=model2d] select").inputValue()).toBe("own");
    const size = await current.evaluate((c) => [c.clientWidth, c.clientHeight]);
    expect(Math.abs(size[0] / size[1] - 1)).toBeLessThan(0.03);
    expect(colourCount(last)).toBeGreaterThan(30);
    await selectFrame(page, 0);
    // The start is uniform: one colour where the last iterate shows the inclusion's blur.
    const first = await pixels(current);
    expect(colourCount(first)).toBeLessThan(4);
    expect(fractionChanged(first, last, 4)).toBeGreaterThan(0.05);
    await page.close();
  });

  test("a 2D wave inversion: model maps (depth down, geometry marked), gradient with preconditioner and illumination, gathers and the wavefield draw; the slider changes the model, the shot the gathers", async () => {
    const page = await openViewer(browser, await serve(folders.wave2d));
    expect(await page.evaluate(() => (globalThis as any).gradscape.panels)).toEqual(["model2d", "misfit", "gradient", "data", "field"]);
    const images = (panel: string) => page.locator(`section[data-panel=${panel}] canvas.image-gl`);
    // Current, true and start models; gradient, preconditioner and illumination; observed, predicted, residual; the wavefield.
    for (const [panel, count] of [["model2d", 3], ["gradient", 3], ["data", 3], ["field", 1]] as const) {
      expect(await images(panel).count(), panel).toBe(count);
      for (let i = 0; i < count; i++) expect(colourCount(await pixels(images(panel).nth(i))), `${panel} image ${i}`).toBeGreaterThan(8);
    }
    expect(fractionNear(await pixels(page.locator("section[data-panel=misfit] canvas").first()), [0xee, 0xee, 0xee], 20)).toBeGreaterThan(0.002);
    const current = images("model2d").first();
    const last = await pixels(current);
    // To scale (1,590 m by 1,190 m between the first and last cell centres), and depth down: the velocity grows
    // with depth, so the top rows are viridis' dark purple and the bottom ones its light yellow.
    const [w, h] = await current.evaluate((c) => [c.clientWidth, c.clientHeight]);
    // (within 4%: a map this small is a few pixels off from rounding the chart's height)
    expect(Math.abs(w / h / (1590 / 1190) - 1)).toBeLessThan(0.04);
    const brightness = (png: typeof last, from: number, to: number) => {
      let sum = 0;
      for (let y = Math.floor(from * png.height); y < Math.floor(to * png.height); y++) for (let x = 0; x < png.width; x++) sum += png.data[4 * (y * png.width + x) + 1];
      return sum / ((Math.floor(to * png.height) - Math.floor(from * png.height)) * png.width);
    };
    expect(brightness(last, 0.1, 0.2)).toBeLessThan(brightness(last, 0.8, 0.9) - 80);
    // The three maps share one colour scale by default (the iterates span most of the truth's range):
    // their colour bars read the same; "each its own" gives them their own.
    const bars = () => page.locator("section[data-panel=model2d] figure.image .colorbar").allTextContents();
    const shared = await bars();
    expect(shared).toHaveLength(3);
    expect(new Set(shared).size).toBe(1);
    await page.locator("section[data-panel=model2d] select").selectOption("own");
    await expect.poll(async () => new Set(await bars()).size).toBeGreaterThan(1);
    await page.locator("section[data-panel=model2d] select").selectOption("shared");
    // The selected shot's source is a red star on the chart canvas over each model; its receivers are named in the note.
    const chart = (panel: string, i: number) => page.locator(`section[data-panel=${panel}] figure.image`).nth(i).locator(".uplot canvas:not(.image-gl)");
    const RED: [number, number, number] = [0xff, 0x4d, 0x4d];
    for (let i = 0; i < 3; i++) expect(fractionNear(await pixels(chart("model2d", i)), RED, 40), `star over model ${i}`).toBeGreaterThan(0.0002);
    expect(await page.locator("section[data-panel=model2d] .note").textContent()).toBe("★ sources (shot 1 red), ▼ receivers of shot 1");
    // The gathers' clipped scale says so (their axis, the receivers' line, is tested in viewer-run.test.ts).
    expect(await page.locator("section[data-panel=data] figure.image .colorbar").first().textContent()).toContain("clipped: 99th percentile");
    // The wavefield: signed, on the diverging scale (white where the wave has not reached or has passed).
    const wavefield = await pixels(images("field").first());
    expect(fractionNear(wavefield, [0xff, 0xff, 0xff], 12)).toBeGreaterThan(0.05);
    expect(fractionNear(wavefield, [0xb3, 0x17, 0x2b], 40) + fractionNear(wavefield, [0x21, 0x66, 0xab], 40)).toBeGreaterThan(0.01);
    // Its own time slider moves the wave.
    await page.locator("section[data-panel=field] input[type=range]").fill("30");
    expect(fractionChanged(await pixels(images("field").first()), wavefield)).toBeGreaterThan(0.05);
    // The timeline: the start differs from the last iterate.
    await selectFrame(page, 0);
    expect(await page.locator("section[data-panel=model2d] figcaption").first().textContent()).toBe("iteration 0");
    expect(fractionChanged(await pixels(current), last, 2)).toBeGreaterThan(0.02);
    // Another shot: its gathers, and its star elsewhere.
    const observed = await pixels(images("data").first()), star = await pixels(chart("model2d", 0));
    const before = await page.evaluate(() => (globalThis as any).gradscape.updates);
    await page.locator("header select").selectOption("1");
    await page.waitForFunction((n) => (globalThis as any).gradscape.updates > n, before);
    expect(fractionChanged(await pixels(images("data").first()), observed)).toBeGreaterThan(0.05);
    expect(fractionChanged(await pixels(chart("model2d", 0)), star)).toBeGreaterThan(0.0002);
    expect(await page.locator("section[data-panel=model2d] .note").textContent()).toContain("shot 2");
    await page.close();
  });

  test("a basin-hopping run: the cluster in 3D and the energy plot draw, and stepping through minima moves the atoms", async () => {
    const page = await openViewer(browser, await serve(folders.molecular));
    expect(await page.evaluate(() => (globalThis as any).gradscape.panels)).toEqual(["molecule"]);
    const view = page.locator("section[data-panel=molecule] .molecule-view canvas");
    // Spheres are lit orange; at least 2% of the view is atoms.
    const last = await pixels(view);
    const lit = fractionNear(last, ORANGE, 80);
    expect(lit).toBeGreaterThan(0.02);
    expect(fractionNear(await pixels(page.locator("section[data-panel=molecule] .molecule-side canvas").first()), ORANGE)).toBeGreaterThan(0.001);
    const known = await page.locator("section[data-panel=molecule] .note").textContent();
    expect(known).toContain("known global minimum -42.439863 (reached)");
    await selectFrame(page, 0);
    expect(fractionChanged(await pixels(view), last)).toBeGreaterThan(0.01);
    await page.close();
  });

  test("live: `gradscape run --view` serves a running inversion and the page receives its iterations as they are written", async () => {
    const { cli } = await bundle("viewer-browser", { viewer: true });
    const scene = loadScene("scenes/continuation-fwi.json");
    if (scene.kind !== "wave-inversion") throw new Error("expected a wave inversion");
    const dir = mkdtempSync(join(tmpdir(), "viewer-live-"));
    const file = join(dir, "scene.json");
    writeFileSync(file, JSON.stringify({ ...scene, optimizer: { ...scene.optimizer, iterations: 15 } }));
    const child: ChildProcess = spawn(process.execPath, [cli, "run", file, "--out", join(dir, "run"), "--view"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let text = "";
        child.stdout!.on("data", (b: Buffer) => {
          text += b.toString();
          const m = /viewer: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(text);
          if (m !== null) resolve(m[1]);
        });
        child.once("exit", (code) => reject(new Error(`the CLI exited (${code}) before printing the viewer's address`)));
      });
      const page = await browser.newPage();
      await page.goto(url);
      // Frame counts seen while the run says "running", polled until it finishes.
      const seen = new Set<number>();
      // Polled every 100 ms for at most 100 s (the run takes seconds alone, longer beside the whole suite).
      let s = { frames: 0, status: "" };
      for (const deadline = Date.now() + 100_000; Date.now() < deadline; ) {
        s = await page.evaluate(() => ({ frames: (globalThis as any).gradscape.frames, status: (globalThis as any).gradscape.status }));
        if (s.status === "running") seen.add(s.frames);
        if (s.status === "finished") break;
        await page.waitForTimeout(100);
      }
      expect(s.status, `page at ${s.frames} frames; the run's progress: ${stderr.slice(-300)}; page error: ${await page.evaluate(() => (globalThis as any).gradscape.error)}`).toBe("finished");
      // Several different iteration counts arrived while it ran, and the page ends with every iteration of the run.
      expect(seen.size).toBeGreaterThanOrEqual(3);
      const iterations = (JSON.parse(readFileSync(join(dir, "run", "manifest.json"), "utf8")) as { result: { iterations: number } }).result.iterations;
      expect(await page.evaluate(() => (globalThis as any).gradscape.frames)).toBe(iterations + 1);
      expect(await page.evaluate(() => (globalThis as any).gradscape.manifestEvents)).toBeGreaterThanOrEqual(3);
      await page.close();
    } finally {
      child.kill();
    }
  });
});
