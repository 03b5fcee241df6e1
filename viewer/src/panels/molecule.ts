/**
 * Molecular panel: the structure of the selected frame in 3D (instanced
 * spheres and bonds, orbit controls) beside the energy of every frame. A
 * basin-hopping run's frames are its accepted minima (with the scene's known
 * global minimum when it names one); a conformer search's are its distinct
 * conformers, lowest first, named by their keys. Bonds come from the run's
 * bond list when it has one (a molecule), else from distances (a cluster).
 */
import * as THREE from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";
import { trackedRenderer } from "../image.js";
import { LinePlot } from "../plot.js";
import type { PanelInstance, PanelKind, ViewState } from "./panel.js";

/** The typical bond length of a listed set of bonds: their median length. */
export function listedBonds(x: Float64Array, list: Float64Array): { bonds: [number, number][]; typical: number } {
  const bonds = Array.from({ length: list.length / 2 }, (_, b) => [list[2 * b], list[2 * b + 1]] as [number, number]);
  const lengths = bonds.map(([i, j]) => Math.hypot(x[3 * i] - x[3 * j], x[3 * i + 1] - x[3 * j + 1], x[3 * i + 2] - x[3 * j + 2])).sort((a, b) => a - b);
  return { bonds, typical: lengths.length === 0 ? 1 : lengths[Math.floor(lengths.length / 2)] };
}

/** Bonds: pairs closer than 1.2 times the typical nearest-neighbour distance. */
export function bondsOf(x: Float64Array, n: number): { bonds: [number, number][]; typical: number } {
  const nearest = new Float64Array(n).fill(Infinity);
  const d = (i: number, j: number) => Math.hypot(x[3 * i] - x[3 * j], x[3 * i + 1] - x[3 * j + 1], x[3 * i + 2] - x[3 * j + 2]);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) nearest[i] = Math.min(nearest[i], d(i, j));
  const typical = Array.from(nearest).sort((a, b) => a - b)[Math.floor(n / 2)];
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (d(i, j) < 1.2 * typical) out.push([i, j]);
  return { bonds: out, typical };
}

export const molecule: PanelKind = {
  id: "molecule",
  title: "Molecule",
  applies: (run) => run.role("accepted-positions") !== undefined || run.role("conformer-positions") !== undefined,
  create(body, run): PanelInstance {
    const conformers = run.role("accepted-positions") === undefined;
    const [, n] = run.role(conformers ? "conformer-positions" : "accepted-positions")!.shape;
    const keys = conformers ? run.role("conformer-energy")?.axes[0]?.labels : undefined;
    // The run records the known global minimum (null: none) in its running and finished manifests.
    const recorded = (run.manifest.result?.knownMinimum ?? run.manifest.knownMinimum) as number | null | undefined;
    const known = recorded ?? undefined;
    const row = document.createElement("div");
    row.className = "row";
    const view = document.createElement("div");
    view.className = "molecule-view";
    const side = document.createElement("div");
    side.className = "molecule-side";
    const info = document.createElement("p");
    info.className = "note";
    row.append(view, side);
    body.append(row);
    side.append(info);

    const width = 420, height = 380;
    const renderer = trackedRenderer({ antialias: false });
    renderer.setPixelRatio(devicePixelRatio);
    renderer.setSize(width, height);
    renderer.setClearColor(0x15171c);
    view.append(renderer.domElement);
    const scene = new THREE.Scene();
    const camera = new THREE.PerspectiveCamera(40, width / height, 0.1, 1000);
    camera.position.set(0, 0, 12);
    scene.add(new THREE.AmbientLight(0xffffff, 0.5));
    const light = new THREE.DirectionalLight(0xffffff, 2.2);
    light.position.set(5, 8, 10);
    scene.add(light);
    const atoms = new THREE.InstancedMesh(new THREE.SphereGeometry(1, 16, 12), new THREE.MeshLambertMaterial({ color: 0xf4a261 }), n);
    const maxBonds = (n * (n - 1)) / 2;
    const bonds = new THREE.InstancedMesh(new THREE.CylinderGeometry(0.08, 0.08, 1, 10), new THREE.MeshLambertMaterial({ color: 0x8ab4f8 }), maxBonds);
    scene.add(atoms, bonds);
    const controls = new OrbitControls(camera, renderer.domElement);
    controls.enableDamping = true;
    // Drawn on demand (orbiting, damping, a new minimum), not on every display frame.
    let pending = false;
    const requestRender = () => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        if (controls.update()) requestRender();
        renderer.render(scene, camera);
        window.gradscape.renders++;
      });
    };
    controls.addEventListener("change", requestRender);

    const m = new THREE.Matrix4(), up = new THREE.Vector3(0, 1, 0), dir = new THREE.Vector3(), q = new THREE.Quaternion(), mid = new THREE.Vector3(), scale = new THREE.Vector3();
    const place = (x: Float64Array, listed: Float64Array | null) => {
      const c = [0, 1, 2].map((a) => x.filter((_, i) => i % 3 === a).reduce((s, v) => s + v, 0) / n);
      const { bonds: list, typical } = listed === null ? bondsOf(x, n) : listedBonds(x, listed);
      // Spheres of 0.3 nearest-neighbour distances leave the bonds visible.
      const r = 0.3 * typical;
      for (let i = 0; i < n; i++) atoms.setMatrixAt(i, m.compose(mid.set(x[3 * i] - c[0], x[3 * i + 1] - c[1], x[3 * i + 2] - c[2]), q.identity(), scale.set(r, r, r)));
      atoms.instanceMatrix.needsUpdate = true;
      list.forEach(([i, j], k) => {
        dir.set(x[3 * j] - x[3 * i], x[3 * j + 1] - x[3 * i + 1], x[3 * j + 2] - x[3 * i + 2]);
        const len = dir.length();
        mid.set((x[3 * i] + x[3 * j]) / 2 - c[0], (x[3 * i + 1] + x[3 * j + 1]) / 2 - c[1], (x[3 * i + 2] + x[3 * j + 2]) / 2 - c[2]);
        q.setFromUnitVectors(up, dir.normalize());
        bonds.setMatrixAt(k, m.compose(mid, q, scale.set(typical, len, typical)));
      });
      bonds.count = list.length;
      bonds.instanceMatrix.needsUpdate = true;
      const radius = Math.max(...Array.from({ length: n }, (_, i) => Math.hypot(x[3 * i] - c[0], x[3 * i + 1] - c[1], x[3 * i + 2] - c[2])));
      const distance = (radius + 1) / Math.sin((camera.fov * Math.PI) / 360);
      if (Math.abs(camera.position.length() - distance) > 0.5 * distance) camera.position.setLength(distance);
    };

    let plot: LinePlot | null = null;
    return {
      async update({ run, frame }: ViewState) {
        const listed = run.role("bonds") !== undefined ? (await run.loadRole("bonds")).data : null;
        if (conformers) {
          const [positions, energy, hits] = await Promise.all((["conformer-positions", "conformer-energy", "conformer-hits"] as const).map((r) => run.loadRole(r)));
          const k = energy.data.length;
          if (k === 0) return;
          const f = Math.min(frame, k - 1);
          place(positions.data.subarray(f * n * 3, (f + 1) * n * 3), listed);
          requestRender();
          const lowest = energy.data[0];
          info.textContent = `conformer ${f + 1} of ${k}${keys === undefined ? "" : ` (${keys[f]})`}, met ${hits.data[f]} times: E = ${energy.data[f].toFixed(4)} kcal/mol, ${(energy.data[f] - lowest).toFixed(4)} above the lowest`;
          const spec = {
            x: Float64Array.from({ length: k }, (_, i) => i + 1), xLabel: "conformer (lowest first)", yLabel: "energy above the lowest (kcal/mol)",
            series: [{ label: "energy", values: energy.data.map((e) => e - lowest), color: "#f4a261", points: true }], cursorX: f + 1,
          };
          if (plot === null) plot = new LinePlot(side, spec);
          else plot.update(spec);
          return;
        }
        const [positions, energy, step] = await Promise.all((["accepted-positions", "accepted-energy", "accepted-step"] as const).map((r) => run.loadRole(r)));
        // Structure labels are written when the search ends.
        const structure = run.role("accepted-structure") !== undefined ? (await run.loadRole("accepted-structure")).data : null;
        const k = energy.data.length;
        if (k === 0) return;
        const f = Math.min(frame, k - 1);
        place(positions.data.subarray(f * n * 3, (f + 1) * n * 3), listed);
        requestRender();
        const e = energy.data[f];
        info.textContent = `accepted minimum ${f + 1} of ${k} (step ${step.data[f]}${structure === null ? "" : `, structure ${structure[f]}`}): E = ${e.toFixed(6)}` +
          (known === undefined ? "" : ` | known global minimum ${known} (${Math.abs(e - known) <= 1e-6 * Math.abs(known) ? "reached" : `${(e - known).toFixed(6)} above`})`);
        const spec = {
          x: Float64Array.from({ length: k }, (_, i) => i + 1), xLabel: "accepted minimum", yLabel: "energy",
          series: [{ label: "energy", values: energy.data, color: "#f4a261", points: true }], cursorX: f + 1,
          ...(known === undefined ? {} : { hline: { y: known, label: `known minimum ${known}` } }),
        };
        if (plot === null) plot = new LinePlot(side, spec);
        else plot.update(spec);
      },
    };
  },
};
