/**
 * The gradscape viewer: opens the run folder its server serves, builds the
 * panels that apply to it, steps through its frames with the timeline, and
 * follows the run live through the server's event stream.
 */
import "uplot/dist/uPlot.min.css";
import { releaseRenderers } from "./image.js";
import { blocks } from "./panels/blocks.js";
import { calibration } from "./panels/calibration.js";
import { data } from "./panels/data.js";
import { design } from "./panels/design.js";
import { fieldPanel } from "./panels/field.js";
import { gradient } from "./panels/gradient.js";
import { lCurve } from "./panels/lcurve.js";
import { misfit } from "./panels/misfit.js";
import { model1D, model2D } from "./panels/model.js";
import { dihedrals } from "./panels/dihedrals.js";
import { molecule } from "./panels/molecule.js";
import { panelFrame, type PanelInstance, type PanelKind } from "./panels/panel.js";
import { fetchManifest, Run } from "./run.js";
import { Timeline } from "./timeline.js";

/** Every panel the viewer knows, in page order; each decides from the arrays whether it applies. */
export const PANELS: PanelKind[] = [molecule, dihedrals, calibration, blocks, design, model1D, model2D, misfit, gradient, data, fieldPanel, lCurve];

/** State the browser tests read. */
interface ViewerStatus {
  ready: boolean;
  frame: number;
  frames: number;
  updates: number;
  manifestEvents: number;
  panels: string[];
  status: string;
  error: string | null;
  /** Frames drawn by the 3D view (for measuring its frame rate while orbiting). */
  renders: number;
  /** Time of every update of each panel (ms), for measuring responsiveness. */
  timings: Record<string, number[]>;
}

declare global {
  interface Window {
    gradscape: ViewerStatus;
  }
}

const status: ViewerStatus = { ready: false, frame: 0, frames: 0, updates: 0, manifestEvents: 0, panels: [], status: "", error: null, renders: 0, timings: {} };
window.gradscape = status;

/** The run's manifest, waiting for a live run to write its first one. */
async function firstManifest(events: EventSource, grid: HTMLElement): Promise<Run> {
  for (;;) {
    try {
      return await Run.open();
    } catch {
      grid.textContent = "Waiting for the run to write its first results…";
      await new Promise((resolve) => events.addEventListener("manifest", resolve, { once: true }));
    }
  }
}

async function main(): Promise<void> {
  const header = document.getElementById("header")!;
  const grid = document.getElementById("panels")!;
  // Live: the server pushes an event whenever the run rewrites its manifest.
  const events = new EventSource("events");
  const run = await firstManifest(events, grid);
  const minima = run.role("accepted-positions") !== undefined, conformers = run.role("conformer-positions") !== undefined;
  const timeline = new Timeline(document.getElementById("timeline")!, minima ? "accepted minimum" : conformers ? "conformer" : "iteration", minima || conformers ? 1 : 0);
  const shotSelect = document.createElement("select");
  shotSelect.setAttribute("aria-label", "shot");
  let instances: { kind: PanelKind; instance: PanelInstance }[] = [];
  let arraySet = "";

  const describe = () => {
    const m = run.manifest;
    const live = m.status === "running" ? " · live" : "";
    header.querySelector(".kind")!.textContent = m.kind;
    header.querySelector(".status")!.textContent = `${m.status ?? "finished"}${live}`;
    header.querySelector(".description")!.textContent = (m.scene?.description as string | undefined) ?? "";
    status.status = String(m.status ?? "finished");
  };

  const build = () => {
    releaseRenderers();
    grid.replaceChildren();
    instances = PANELS.filter((k) => k.applies(run)).map((kind) => ({ kind, instance: kind.create(panelFrame(grid, kind), run) }));
    status.panels = instances.map((p) => p.kind.id);
    if (instances.length === 0) grid.textContent = `No panel shows this run's arrays yet (${run.manifest.arrays.map((e) => e.name).join(", ") || "none"}).`;
    arraySet = run.manifest.arrays.map((a) => a.name).join(",");
    // Data [shot, receiver, t]: one gather per shot.
    const shots = Math.max(...(["observed", "data"] as const).map((r) => (run.role(r)?.shape.length === 3 ? run.role(r)!.shape[0] : 1)));
    shotSelect.replaceChildren(...Array.from({ length: shots }, (_, s) => new Option(`shot ${s + 1}`, String(s))));
    shotSelect.hidden = shots < 2;
  };

  // Updates are coalesced: while one is drawing, later requests collapse into one more.
  let drawing = false, again = false;
  const update = async () => {
    if (drawing) {
      again = true;
      return;
    }
    drawing = true;
    try {
      do {
        again = false;
        const state = { run, frame: timeline.frame, shot: Number(shotSelect.value || 0) };
        await Promise.all(instances.map(async (p) => {
          const t0 = performance.now();
          await p.instance.update(state);
          const dt = performance.now() - t0;
          (status.timings[p.kind.id] ??= []).push(dt);
        }));
        status.frame = state.frame;
        status.updates++;
      } while (again);
      status.ready = true;
    } catch (e) {
      status.error = e instanceof Error ? e.message : String(e);
      // Shown on the page: a damaged file is named with what is wrong with it.
      header.querySelector(".status")!.textContent = `error: ${status.error}`;
      console.error(e);
    } finally {
      drawing = false;
    }
  };

  const refreshTimeline = async () => {
    timeline.setFrames(run.frames);
    status.frames = run.frames;
    // The stage labels come with the array (older folders have none: the bands are then unnamed).
    const stage = run.role("stage");
    if (stage !== undefined) timeline.setBands((await run.load(stage.name)).data, stage.labels ?? []);
  };

  describe();
  build();
  header.append(shotSelect);
  timeline.onChange = () => void update();
  shotSelect.addEventListener("change", () => void update());
  // Not fatal: a live run may have replaced a file since the manifest was read; the next manifest event refreshes.
  try {
    await refreshTimeline();
    await update();
  } catch (e) {
    status.error = e instanceof Error ? e.message : String(e);
  }

  // Manifest events are handled one at a time, the newest last: a slow fetch must never put an older manifest
  // back after a newer one (a finished run would then look running forever).
  let refreshing = false, pending = false;
  events.addEventListener("manifest", async () => {
    status.manifestEvents++;
    if (refreshing) {
      pending = true;
      return;
    }
    refreshing = true;
    try {
      do {
        pending = false;
        // A failed round (e.g. a live run's older revision removed between the manifest and the file) does not
        // drop a newer manifest announced meanwhile: the loop goes on to it.
        try {
          run.manifest = await fetchManifest();
          describe();
          if (run.manifest.arrays.map((a) => a.name).join(",") !== arraySet) build();
          await refreshTimeline();
          await update();
        } catch (e) {
          status.error = e instanceof Error ? e.message : String(e);
        }
      } while (pending);
    } finally {
      refreshing = false;
    }
  });
  document.addEventListener("keydown", (e) => {
    if (e.target instanceof HTMLInputElement && e.target.type !== "range") return;
    if (e.key === " ") {
      e.preventDefault();
      timeline.toggle();
    }
  });
}

main().catch((e) => {
  status.error = e instanceof Error ? e.message : String(e);
  document.getElementById("panels")!.textContent = `Could not open the run folder: ${status.error}`;
});
