/**
 * The scene's names for the simulators' configuration fields: a simulator
 * built from a scene reports `nx` or `dt`, the scene file says `grid.nx` or
 * `time.dt`, and the error should name what the user can find and change.
 */
import { InputError } from "../core/errors.js";

const SCENE_PATHS: Record<string, string> = {
  nx: "grid.nx", ny: "grid.ny", "nx, ny": "grid.nx, grid.ny", dx: "grid.dx", dy: "grid.dy", origin: "grid.origin",
  dt: "time.dt", nt: "time.nt",
};

/** Runs `build`, renaming the field of an {@link InputError} it throws to the scene's path. */
export function withSceneFields<T>(build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof InputError && e.field in SCENE_PATHS) {
      throw new InputError(SCENE_PATHS[e.field], e.message.slice(e.field.length + 2));
    }
    throw e;
  }
}
