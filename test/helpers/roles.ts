import { expect } from "vitest";
import type { Manifest } from "../../src/run/manifest.js";
import { ROLES } from "../../src/run/roles.js";

/** Every array of the run folder has a role of the vocabulary (src/run/roles.ts), and the roles asked for are there. */
export function expectRoles(manifest: Manifest, required: string[]): void {
  for (const a of manifest.arrays) expect(Object.keys(ROLES), `role of ${a.name}`).toContain(a.role);
  for (const r of required) expect(manifest.arrays.map((a) => a.role), `an array of role ${r}`).toContain(r);
}
