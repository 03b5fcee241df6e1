/**
 * Run folders under damage and failure: truncated or damaged files are named
 * with what is wrong, the manifest is the commit point (whatever a kill
 * leaves, the manifest and the files it names agree), and a failing disk
 * ends a run with the path and the reason, the manifest marked failed and no
 * temporary files.
 */
import { mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { field, flatten } from "../src/core/arrays.js";
import { DamagedFileError, IoError } from "../src/core/errors.js";
import { readRun, RunWriter } from "../src/run/folder.js";
import { faults } from "../src/run/fs.js";
import { decodeNpy, encodeNpy } from "../src/run/npy.js";
import { resumePoint } from "../src/scene/resume.js";
import { loadScene } from "../src/scene/load.js";
import type { HeatInversionScene } from "../src/scene/heat-schema.js";
import { runHeatInversion } from "../src/scene/heat-inversion.js";

const temp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** The heat-flux scene cut to a few iterations: a small inversion that runs in a second or two. */
function smallHeat(iterations = 6): HeatInversionScene {
  const s = loadScene("scenes/heat-flux.json");
  if (s.kind !== "heat-inversion") throw new Error("expected a heat scene");
  return { ...s, optimizer: { ...s.optimizer, iterations } };
}

describe("damaged .npy files", () => {
  const good = encodeNpy(Float64Array.from({ length: 12 }, (_, i) => i), [3, 4]);

  test("decodeNpy says what is wrong instead of reading outside the buffer", () => {
    expect(() => decodeNpy(good.subarray(0, good.length - 8))).toThrow(/^truncated: the header promises shape \(3, 4\) = 12 values \(96 bytes of data\) but the file holds 88 bytes of data/);
    expect(() => decodeNpy(good.subarray(0, 40))).toThrow(/^truncated: the header is 118 bytes but the file ends after 30/);
    expect(() => decodeNpy(good.subarray(0, 5))).toThrow(/^not a \.npy file: 5 bytes/);
    expect(() => decodeNpy(new TextEncoder().encode("{\"not\": \"npy\"}"))).toThrow(/^not a \.npy file \(bad magic string\)/);
    const bad = Uint8Array.from(good);
    bad.set(new TextEncoder().encode("'shape': (3, x),"), bad.indexOf(0x27, 20) + 40);
    expect(() => decodeNpy(bad)).toThrow(/malformed/);
  });

  test("readRun names the damaged file, and a file whose shape disagrees with the manifest", () => {
    const dir = temp("damaged-");
    const w = new RunWriter(dir);
    w.array("a", field(Float64Array.from({ length: 12 }, (_, i) => i), [3, 4]), { units: "", axes: [{ name: "i" }, { name: "j" }] });
    w.array("b", field(new Float64Array(5), [5]), { units: "", axes: [{ name: "i" }] });
    w.finish("test", {});
    truncateSync(join(dir, "a.npy"), 150);
    writeFileSync(join(dir, "b.npy"), encodeNpy(new Float64Array(6), [6]));
    const run = readRun(dir);
    expect(() => run.load("a")).toThrow(DamagedFileError);
    expect(() => run.load("a")).toThrow(new RegExp(`^${join(dir, "a.npy")}: truncated: .* 12 values \\(96 bytes of data\\) but the file holds 22 bytes`));
    expect(() => run.load("b")).toThrow(new RegExp(`^${join(dir, "b.npy")}: holds shape \\[6\\] but the manifest says \\[5\\]`));
    writeFileSync(join(dir, "manifest.json"), "{\"format\": \"gradscape-run\", \"arr");
    expect(() => readRun(dir)).toThrow(new RegExp(`^${join(dir, "manifest.json")}: not valid JSON .*damaged or truncated`));
    writeFileSync(join(dir, "manifest.json"), "{}");
    expect(() => readRun(dir)).toThrow(/manifest\.json: not a gradscape run manifest/);
  });

  test("--resume refuses a damaged state or manifest, naming the file", () => {
    const dir = temp("resume-damaged-");
    const scene = smallHeat(3);
    runHeatInversion(scene, dir);
    // Make it look interrupted after iteration 2, with a state file the manifest names.
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    writeFileSync(join(dir, "manifest.json"), JSON.stringify({ ...manifest, status: "running", iterations: 2, attachments: { state: "state.json" } }));
    writeFileSync(join(dir, "state.json"), "{}");
    expect(() => resumePoint(dir, scene)).toThrow(new RegExp(`^${join(dir, "state.json")}: not an optimizer state`));
    writeFileSync(join(dir, "state.json"), "{\"band\": 0, \"iter");
    expect(() => resumePoint(dir, scene)).toThrow(new RegExp(`^${join(dir, "state.json")}: not valid JSON`));
    truncateSync(join(dir, "models.npy"), 100);
    writeFileSync(join(dir, "state.json"), JSON.stringify({ stage: 0, iterationsBefore: 0, evaluationsBefore: 0, optimizer: { iteration: 2 } }));
    expect(() => runHeatInversion(scene, dir, undefined, true)).toThrow(new RegExp(`^${join(dir, "models.npy")}: truncated`));
  });
});

describe("the manifest is the commit point", () => {
  test("an array rewritten in a live run goes to a new revision; a finished run names the plain files and leaves no revisions", () => {
    const dir = temp("revisions-");
    const w = new RunWriter(dir);
    const axes = [{ name: "i" }];
    w.array("h", field(new Float64Array(1), [1]), { units: "", axes });
    w.finish("test", {}, { status: "running" });
    for (let k = 2; k <= 5; k++) {
      w.array("h", field(new Float64Array(k), [k]), { units: "", axes });
      // Until the manifest is rewritten, it and the file it names still say k - 1.
      const before = readRun(dir);
      expect(before.manifest.arrays[0].shape).toEqual([k - 1]);
      expect(before.load("h").shape).toEqual([k - 1]);
      w.attach("state", JSON.stringify({ k }));
      w.finish("test", {}, { status: "running" });
      const after = readRun(dir);
      // Never the file the manifest on disk named (here h.npy, then a revision h.rN.npy).
      expect(after.manifest.arrays[0].file).not.toBe(before.manifest.arrays[0].file);
      expect(after.load("h").shape).toEqual([k]);
      expect(JSON.parse(readFileSync(join(dir, (after.manifest.attachments as { state: string }).state), "utf8"))).toEqual({ k });
      // This manifest's files and the previous one's (for a reader between the two reads), no others.
      expect(readdirSync(dir).filter((f) => f.startsWith("h.")).length).toBeLessThanOrEqual(3);
    }
    const m = w.finish("test", {}, { status: "finished" });
    expect(m.arrays[0].file).toBe("h.npy");
    expect(m.attachments).toBeUndefined();
    expect(readdirSync(dir).sort()).toEqual(["h.npy", "manifest.json"]);
    expect(readRun(dir).load("h").shape).toEqual([5]);
  });

  test("a kill inside the final commit (the finished manifest naming revisions) is completed by --resume: the bytes of an uninterrupted run", () => {
    const axes = [{ name: "i" }];
    const write = (dir: string) => {
      const w = new RunWriter(dir);
      w.array("h", field(Float64Array.of(1), [1]), { units: "", axes });
      w.finish("test", {}, { status: "running" });
      w.array("h", field(Float64Array.of(1, 2), [2]), { units: "", axes }); // a revision: h.npy is committed
      return w;
    };
    const whole = temp("whole-");
    write(whole).finish("test", {}, { status: "finished" });
    // The state finish leaves between its two commits: the finished manifest names the revision.
    const killed = temp("killed-");
    write(killed);
    const revision = readdirSync(killed).find((f) => /^h\.r\d+\.npy$/.test(f))!;
    const manifest = JSON.parse(readFileSync(join(whole, "manifest.json"), "utf8"));
    manifest.arrays[0].file = revision;
    writeFileSync(join(killed, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
    expect(readRun(killed).load("h").shape).toEqual([2]); // consistent, under another name
    expect(() => resumePoint(killed, {})).toThrow("is finished, not running: nothing to resume");
    expect(readdirSync(killed).sort()).toEqual(["h.npy", "manifest.json"]);
    for (const f of ["h.npy", "manifest.json"]) expect(readFileSync(join(killed, f)).equals(readFileSync(join(whole, f)))).toBe(true);
  });
});

describe("a failing disk", () => {
  afterEach(() => {
    faults.write = null;
  });

  test("ENOSPC mid-run: an IoError naming the file and the reason, the manifest marked failed, no temporary files; --resume finishes it to the same bytes", () => {
    const scene = smallHeat(6);
    const whole = temp("whole-");
    runHeatInversion(scene, whole);
    const dir = temp("enospc-");
    let models = 0;
    faults.write = (path) => (path.includes("models") && ++models === 4 ? "ENOSPC" : undefined);
    let error: unknown = null;
    try {
      runHeatInversion(scene, dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IoError);
    expect((error as IoError).code).toBe("ENOSPC");
    expect((error as Error).message).toMatch(new RegExp(`^${dir}/models(\\.r\\d+)?\\.npy: .* \\(ENOSPC\\)$`));
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
    const failed = readRun(dir);
    expect(failed.manifest.status).toBe("failed");
    expect(failed.manifest.error).toMatch(/ENOSPC/);
    expect(failed.load("models").shape[0]).toBe((failed.manifest.iterations as number) + 1);
    // The disk has room again: the run resumes from its last committed iteration.
    faults.write = null;
    runHeatInversion(scene, dir, undefined, true);
    for (const f of readdirSync(whole)) expect(readFileSync(join(dir, f)).equals(readFileSync(join(whole, f))), f).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(readdirSync(whole).sort());
    expect(flatten(readRun(dir).load("models")).length).toBeGreaterThan(0);
  });
});
