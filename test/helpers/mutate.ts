/**
 * Seeded mutations of scene files for the scene fuzzer: each takes a shipped
 * scene (as JSON) and returns the text of a damaged one — a value of another
 * type, a non-finite or huge number, a deep nest, a duplicated key, unicode,
 * a grown array or broken JSON text. Every choice comes from the project's
 * seeded generator, so a failing case is reproduced by its seed.
 */
import { Random } from "../../src/core/random.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value in a JSON document (keys and indices), the root excluded. */
function paths(v: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(v)) v.forEach((c, i) => (out.push([...prefix, i]), paths(c, [...prefix, i], out)));
  else if (v !== null && typeof v === "object") for (const [k, c] of Object.entries(v)) out.push([...prefix, k]), paths(c, [...prefix, k], out);
  return out;
}

function get(v: Json, path: (string | number)[]): Json {
  return path.reduce<Json>((a, k) => (a as Record<string | number, Json>)[k], v);
}

function set(v: Json, path: (string | number)[], value: Json): void {
  const parent = get(v, path.slice(0, -1)) as Record<string | number, Json>;
  parent[path[path.length - 1]] = value;
}

const HUGE = [1e300, -1e300, 1e9, 2 ** 31, 2 ** 53 + 2, -1, 0, 1e-300, 1.5, 5e-324];
const SWAPS: Json[] = ["a string", "", true, false, null, [], {}, [1, 2, 3], { kind: "unknown" }, 7];
const UNICODE = ["ünïcødé", "日本語のシーン", "🚀🌊", "\u202eevil", "a\u0000b", "\ud800"];

/** The mutation kinds, named for the fuzzer's report. */
export const MUTATIONS = ["type-swap", "non-finite", "huge-number", "deep-nesting", "duplicate-key", "unicode", "grown-array", "damaged-text"] as const;
export type Mutation = (typeof MUTATIONS)[number];

/** A mutated scene's text and what was done to it. */
export interface Mutant {
  text: string;
  kind: Mutation;
  what: string;
}

/** Mutates `scene` (parsed JSON) once, by a kind and a place drawn from `rng`. */
export function mutate(scene: Json, rng: Random): Mutant {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.uniform() * xs.length)];
  const copy = JSON.parse(JSON.stringify(scene)) as Json;
  const all = paths(copy);
  const numeric = all.filter((p) => typeof get(copy, p) === "number");
  const arrays = all.filter((p) => Array.isArray(get(copy, p)));
  const kind = pick(MUTATIONS);
  const at = (p: (string | number)[]) => p.join(".");
  switch (kind) {
    case "type-swap": {
      const p = pick(all), v = pick(SWAPS);
      set(copy, p, v);
      return { text: JSON.stringify(copy, null, 2), kind, what: `${at(p)} = ${JSON.stringify(v)}` };
    }
    case "non-finite": {
      // JSON has no NaN or Infinity: written as a bare token, the text is not JSON.
      const p = pick(numeric.length > 0 ? numeric : all), token = pick(["NaN", "Infinity", "-Infinity", "1e999"]);
      set(copy, p, "__TOKEN__");
      return { text: JSON.stringify(copy, null, 2).replace('"__TOKEN__"', token), kind, what: `${at(p)} = ${token}` };
    }
    case "huge-number": {
      const p = pick(numeric.length > 0 ? numeric : all), v = pick(HUGE);
      set(copy, p, v);
      return { text: JSON.stringify(copy, null, 2), kind, what: `${at(p)} = ${v}` };
    }
    case "deep-nesting": {
      const p = pick(all), depth = pick([100, 10_000, 100_000]);
      set(copy, p, "__NEST__");
      return { text: JSON.stringify(copy).replace('"__NEST__"', "[".repeat(depth) + "1" + "]".repeat(depth)), kind, what: `${at(p)} nested ${depth} deep` };
    }
    case "duplicate-key": {
      const objects = all.filter((p) => { const v = get(copy, p); return v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length > 0; });
      const p = objects.length > 0 ? pick(objects) : [];
      const target = get(copy, p) as Record<string, Json>;
      const key = pick(Object.keys(target));
      const v = pick(SWAPS);
      // The key a second time, after the first: a parser keeps one of the two.
      const text = JSON.stringify(copy, null, 2);
      const marker = `"${key}": `;
      const i = text.indexOf(marker, p.length === 0 ? 0 : text.indexOf(`"${p[p.length - 1]}"`));
      const mutated = i < 0 ? text : `${text.slice(0, i)}"${key}": ${JSON.stringify(v)}, ${text.slice(i)}`;
      return { text: mutated, kind, what: `${at([...p, key])} given twice` };
    }
    case "unicode": {
      const p = pick(all), s = pick(UNICODE);
      if (rng.uniform() < 0.5) {
        set(copy, p, s);
        return { text: JSON.stringify(copy, null, 2), kind, what: `${at(p)} = ${JSON.stringify(s)}` };
      }
      const parent = get(copy, p.slice(0, -1));
      if (parent !== null && typeof parent === "object" && !Array.isArray(parent)) (parent as Record<string, Json>)[s] = 1;
      return { text: JSON.stringify(copy, null, 2), kind, what: `key ${JSON.stringify(s)} beside ${at(p)}` };
    }
    case "grown-array": {
      const p = arrays.length > 0 ? pick(arrays) : [];
      const a = get(copy, p) as Json[];
      const factor = pick([10, 1000, 200_000]);
      // At most 120,000 entries: past every count the schema allows, short of a slow test.
      const length = Math.min(120_000, Math.max(a.length, 1) * factor);
      const grown = a.length === 0 ? new Array<Json>(length).fill(0) : Array.from({ length }, (_, i) => a[i % a.length]);
      set(copy, p, grown);
      return { text: JSON.stringify(copy), kind, what: `${at(p)} grown x${factor}` };
    }
    case "damaged-text": {
      const text = JSON.stringify(copy, null, 2);
      const i = Math.floor(rng.uniform() * text.length);
      const how = pick(["truncate", "delete", "insert", "bytes"]);
      const damaged = how === "truncate" ? text.slice(0, i) : how === "delete" ? text.slice(0, i) + text.slice(i + 1) : how === "insert" ? text.slice(0, i) + pick(["{", "]", ",", '"', ":", "x"]) + text.slice(i) : text.slice(0, i) + "\ufffd\u0001\u00ff" + text.slice(i);
      return { text: damaged, kind, what: `text ${how} at ${i}` };
    }
  }
}
