// The procedural 2D velocity models of scene files, against values worked out by hand from each
// piece's definition (layers, dip, faults, bodies, anomalies) and the smoothing's invariants.
import { describe, expect, it } from "vitest";
import { InputError } from "../src/core/errors.js";
import { smoothed2D, velocity2D, type Grid2D } from "../src/scene/velocity2d.js";
import { VelocityModel2D } from "../src/scene/wave2d-schema.js";

const grid: Grid2D = { nx: 40, nz: 30, dx: 10, dz: 10, x0: 0, z0: 0 };
const at = (v: Float64Array, x: number, z: number) => v[(z / grid.dz) * grid.nx + x / grid.dx];
const model = (m: unknown) => VelocityModel2D.parse(m);

describe("2D procedural velocity models", () => {
  const flat = model({ layers: [{ top: 0, velocity: 1500 }, { top: 100, velocity: 2000, gradient: 0.5 }, { top: 200, velocity: 3000 }] });

  it("flat layers: the velocity of the last layer above, plus its gradient below its top", () => {
    const v = velocity2D(flat, grid, "m");
    expect(at(v, 50, 90)).toBe(1500);
    expect(at(v, 50, 100)).toBe(2000);
    expect(at(v, 50, 180)).toBe(2000 + 0.5 * 80);
    expect(at(v, 390, 290)).toBe(3000);
  });

  it("a dipping top deepens by tan(dip) per metre along x", () => {
    const v = velocity2D(model({ layers: [{ top: 0, velocity: 1500 }, { top: 100, dip: 45, velocity: 2000 }] }), grid, "m");
    // At x = 50 m the top lies at 150 m; at x = 150 m, at 250 m.
    expect(at(v, 50, 140)).toBe(1500);
    expect(at(v, 50, 150)).toBe(2000);
    expect(at(v, 150, 240)).toBe(1500);
    expect(at(v, 150, 250)).toBe(2000);
  });

  it("a fault drops the layers on its +x side by its throw, below its `from` depth", () => {
    const throw_ = 40;
    const v = velocity2D(model({ ...flat, faults: [{ x: 200, dip: 90, throw: throw_, from: 50 }] }), grid, "m");
    const plain = velocity2D(flat, grid, "m");
    for (let z = 50 + throw_; z < 300; z += 10) {
      expect(at(v, 100, z)).toBe(at(plain, 100, z)); // the -x side is untouched
      expect(at(v, 300, z)).toBe(at(plain, 300, z - throw_));
    }
    // A plane dipping at 45 degrees through (200, 0) passes (300, 100): that point is not past it, (310, 100) is.
    const leaning = velocity2D(model({ ...flat, faults: [{ x: 200, dip: 45, throw: 20 }] }), grid, "m");
    expect(at(leaning, 300, 100)).toBe(2000);
    expect(at(leaning, 310, 100)).toBe(1500);
  });

  it("an elliptic body replaces the layers inside it, rotated by its angle", () => {
    const body = (angle: number) => velocity2D(model({ ...flat, bodies: [{ center: [200, 150], radii: [100, 30], angle, velocity: 4500 }] }), grid, "m");
    const level = body(0), upright = body(90);
    expect(at(level, 290, 150)).toBe(4500);
    expect(at(level, 200, 190)).toBe(2000 + 0.5 * 90);
    expect(at(upright, 290, 150)).toBe(2000 + 0.5 * 50);
    expect(at(upright, 200, 240)).toBe(4500);
  });

  it("a Gaussian anomaly adds its amplitude at its centre and exp(-1/2) of it one width away", () => {
    const v = velocity2D(model({ ...flat, anomalies: [{ center: [200, 250], width: 30, amplitude: -300 }] }), grid, "m");
    expect(at(v, 200, 250)).toBeCloseTo(3000 - 300, 9);
    expect(at(v, 230, 250)).toBeCloseTo(3000 - 300 * Math.exp(-0.5), 9);
  });

  it("refuses a model that turns non-positive, naming the path", () => {
    expect(() => velocity2D(model({ layers: [{ top: 0, velocity: 1000, gradient: -10 }] }), grid, "model.true")).toThrow(InputError);
    expect(() => velocity2D(model({ layers: [{ top: 0, velocity: 1000, gradient: -10 }] }), grid, "model.true")).toThrow(/^model.true: gives a non-positive velocity/);
  });

  it("smoothing keeps a linear model unchanged away from the edges and constants everywhere", () => {
    const linear = new Float64Array(grid.nx * grid.nz), constant = new Float64Array(grid.nx * grid.nz).fill(2500);
    for (let iz = 0; iz < grid.nz; iz++) for (let ix = 0; ix < grid.nx; ix++) linear[iz * grid.nx + ix] = 1500 + 3 * ix + 7 * iz;
    const s = smoothed2D(linear, grid, 30);
    for (let iz = 3; iz < grid.nz - 3; iz++) for (let ix = 3; ix < grid.nx - 3; ix++) expect(s[iz * grid.nx + ix]).toBeCloseTo(linear[iz * grid.nx + ix], 9);
    for (const v of smoothed2D(constant, grid, 30)) expect(v).toBeCloseTo(2500, 9);
  });
});
