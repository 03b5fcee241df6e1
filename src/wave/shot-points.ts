/**
 * One shot's source and receiver points (grid cells and interpolation weights) in an arena, where
 * the kernels' forward and reverse runs read them.
 */
import type { PointWeights, ShotsLayout } from "./config.js";
import type { Real } from "./precision.js";
import type { ArraySpec } from "./wasm.js";

/** One shot's source and receiver points in an arena, as the kernels' runs read them. */
export class ShotPoints {
  /** Receivers loaded (at most the layout's number per shot). */
  private count = 0;
  private readonly srcIndex: Int32Array;
  private readonly srcWeight: Float64Array;
  private readonly recIndex: Int32Array;
  private readonly recWeight: Float64Array;
  /** Grid points per source or receiver position. */
  private readonly width: number;

  /** The four arrays the points take from an arena. */
  static specs(lay: ShotsLayout): ArraySpec[] {
    const width = lay.sources[0].index.length, nr = lay.nreceivers;
    return [{ length: width, type: "int32" }, { length: width, type: "float64" }, { length: nr * width, type: "int32" }, { length: nr * width, type: "float64" }];
  }

  /** Takes the arrays `specs` made, in order. */
  constructor(arrays: (Real | Int32Array)[]) {
    [this.srcIndex, this.srcWeight, this.recIndex, this.recWeight] =
      [arrays[0] as Int32Array, arrays[1] as Float64Array, arrays[2] as Int32Array, arrays[3] as Float64Array];
    this.width = this.srcIndex.length;
  }

  /** Writes a source's points and up to the layout's number of receivers' (a shot's, or none). */
  load(source: PointWeights, receivers: readonly PointWeights[]): void {
    this.srcIndex.set(source.index);
    this.srcWeight.set(source.weight);
    receivers.forEach((p, r) => {
      this.recIndex.set(p.index, r * this.width);
      this.recWeight.set(p.weight, r * this.width);
    });
    this.count = receivers.length;
  }

  /** The kernels' point arguments: source count, width, source cells and weights, receiver count, cells and weights. */
  args(): [number, number, number, number, number, number, number] {
    return [1, this.width, this.srcIndex.byteOffset, this.srcWeight.byteOffset, this.count, this.recIndex.byteOffset, this.recWeight.byteOffset];
  }
}
