/**
 * NumPy .npy files (format version 1.0), so that run folders open with
 * `numpy.load` as easily as with gradscape's own reader.
 *
 * Layout: the magic string "\x93NUMPY", version bytes 1 0, a little-endian
 * uint16 header length, then an ASCII Python dict literal
 * `{'descr': '<f8', 'fortran_order': False, 'shape': (n0, n1), }` padded with
 * spaces and ended by a newline so the data start at a multiple of 64 bytes,
 * then the raw little-endian values in C order.
 */
import { field } from "../core/arrays.js";
import type { Field } from "../core/contract.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function shapeLiteral(shape: readonly number[]): string {
  if (shape.length === 0) return "()";
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(", ")})`;
}

/** Encodes a float64 array of the given shape as the bytes of a .npy file. */
export function encodeNpy(data: Float64Array, shape: readonly number[]): Uint8Array {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) throw new RangeError(`encodeNpy: shape [${shape.join(", ")}] holds ${size} values, got ${data.length}`);
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shapeLiteral(shape)}, }`;
  const unpadded = MAGIC.length + 2 + 2 + header.length + 1;
  header += " ".repeat((64 - (unpadded % 64)) % 64) + "\n";
  const headerStart = MAGIC.length + 4;
  const out = new Uint8Array(headerStart + header.length + data.length * 8);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[headerStart + i] = header.charCodeAt(i);
  const view = new DataView(out.buffer, headerStart + header.length);
  for (let i = 0; i < data.length; i++) view.setFloat64(8 * i, data[i], true);
  return out;
}

/** Writes a field (float64, C order) as .npy bytes. */
export function fieldToNpy(a: Field): Uint8Array {
  const out = new Float64Array(a.size);
  let k = 0;
  const idx = new Array<number>(a.shape.length).fill(0);
  for (; k < a.size; k++) {
    out[k] = a.get(...idx);
    for (let d = a.shape.length - 1; d >= 0; d--) {
      if (++idx[d] < a.shape[d]) break;
      idx[d] = 0;
    }
  }
  return encodeNpy(out, a.shape);
}

/** A .npy file that cannot be decoded: the message says what is wrong with it. */
export class NpyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NpyError";
  }
}

/**
 * Decodes a .npy file holding little-endian float64 ('<f8') or float32 ('<f4')
 * values in C order. A file that is not one, or is truncated, throws an
 * {@link NpyError} saying what is wrong (e.g. "truncated: the header promises
 * 400 values (3200 bytes of data) but the file holds 1000 bytes of data").
 */
export function decodeNpy(bytes: Uint8Array): Field {
  if (bytes.length < 10) throw new NpyError(`not a .npy file: ${bytes.length} bytes, shorter than a .npy header`);
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw new NpyError("not a .npy file (bad magic string)");
  }
  const major = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = dv.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new NpyError(`truncated: ${bytes.length} bytes, shorter than a version ${major} .npy header`);
    headerLength = dv.getUint32(8, true);
    headerStart = 12;
  } else throw new NpyError(`unsupported .npy format version ${major}`);
  if (headerStart + headerLength > bytes.length) throw new NpyError(`truncated: the header is ${headerLength} bytes but the file ends after ${bytes.length - headerStart}`);
  const header = new TextDecoder("latin1").decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new NpyError(`malformed header ${JSON.stringify(header.trim())}`);
  if (fortran === "True") throw new NpyError("Fortran-ordered arrays are not supported");
  const dims = shapeText.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  if (dims.some((d) => !/^\d+L?$/.test(d))) throw new NpyError(`malformed shape (${shapeText}) in the header`);
  const shape = dims.map((d) => Number.parseInt(d, 10));
  const size = shape.reduce((a, b) => a * b, 1);
  const width = descr === "<f8" ? 8 : descr === "<f4" ? 4 : 0;
  if (width === 0) throw new NpyError(`unsupported dtype ${descr} (expected '<f8' or '<f4')`);
  const dataStart = headerStart + headerLength;
  const available = bytes.length - dataStart;
  if (available !== size * width) {
    throw new NpyError(`${available < size * width ? "truncated" : "trailing bytes"}: the header promises shape (${shape.join(", ")}) = ${size} values (${size * width} bytes of data) but the file holds ${available} bytes of data`);
  }
  const out = new Float64Array(size);
  if (width === 8) for (let i = 0; i < size; i++) out[i] = dv.getFloat64(dataStart + 8 * i, true);
  else for (let i = 0; i < size; i++) out[i] = dv.getFloat32(dataStart + 4 * i, true);
  return field(out, shape);
}
