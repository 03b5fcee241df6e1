/**
 * The panel registry: each panel says which run folders it can show (by the
 * arrays they hold, not by the physics that wrote them) and draws itself for
 * the selected frame (iteration, or accepted minimum). A new kind of run
 * gets panels by adding entries here; nothing else changes.
 */
import type { Run } from "../run.js";

/** What every panel sees: the run, the selected frame, and the selected shot. */
export interface ViewState {
  run: Run;
  frame: number;
  shot: number;
}

export interface PanelInstance {
  /** Draws for the state (called on every frame change and every live update). */
  update(state: ViewState): Promise<void> | void;
}

export interface PanelKind {
  id: string;
  title: string;
  applies(run: Run): boolean;
  create(body: HTMLElement, run: Run): PanelInstance;
}

/** Creates the panel's frame (a titled section) in `parent`. */
export function panelFrame(parent: HTMLElement, kind: PanelKind): HTMLElement {
  const section = document.createElement("section");
  section.className = "panel";
  section.dataset.panel = kind.id;
  const h = document.createElement("h2");
  h.textContent = kind.title;
  const body = document.createElement("div");
  body.className = "panel-body";
  section.append(h, body);
  parent.append(section);
  return body;
}

/** A panel that draws once (its arrays do not change with the frame), from `draw`. */
export function drawnOnce(draw: (run: Run) => Promise<void>): PanelInstance {
  let drawn = false;
  return {
    async update({ run }: ViewState) {
      if (drawn) return;
      drawn = true;
      await draw(run);
    },
  };
}
