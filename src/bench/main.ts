/**
 * `npm run bench`: throughput of the simulators, printed as JSON lines, with
 * the C yardsticks of ../shared/bench run beside them (when a C compiler and
 * the script are present) and the ratios ours / C. `npm run bench -- wave2d heat` runs only
 * the groups named (wave1d, heat, lj, wave2d), each with its own yardstick.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { benchHeat } from "./heat.js";
import { benchMolecular } from "./molecular.js";
import { emit, reps } from "./report.js";
import { benchWave, nt, nx } from "./wave.js";
import { benchWave2D, emitWave2DRatios, yardstick2DArgs } from "./wave2d.js";

const GROUPS = ["wave1d", "heat", "lj", "wave2d"];
const named = process.argv.slice(2);
const unknown = named.filter((g) => !GROUPS.includes(g));
if (unknown.length > 0) {
  console.error(`bench: unknown group ${unknown.join(", ")} (known: ${GROUPS.join(", ")})`);
  process.exit(2);
}
const want = (group: string) => named.length === 0 || named.includes(group);

const waveTimes = want("wave1d") ? await benchWave() : [];
if (want("heat")) benchHeat();
const ljAtoms = 10_000;
const lj = want("lj") ? benchMolecular(ljAtoms) : null;
// Last of ours: its full-storage gradients hold the most memory (see peak_rss_bytes).
const wave2DTimes = want("wave2d") ? await benchWave2D() : null;

const script = resolve(process.cwd(), "../shared/bench/run-ref.sh");
let hasCc = false;
try {
  execFileSync("cc", ["--version"], { stdio: "ignore" });
  hasCc = true;
} catch {
  hasCc = false;
}
if (!existsSync(script) || !hasCc) {
  const reason = !existsSync(script) ? `${script} not found` : "no C compiler (cc)";
  emit({ yardstick: "absent", reason });
  emit({ problem: "wave2d-standard", yardstick: "absent", reason });
} else {
  // WAVE_F32=1 adds the yardstick's float32 "ftz" line; every wave line names its precision.
  const out = !want("wave1d") && lj === null ? "" : execFileSync("bash", [script, String(nx), String(nt), String(Math.max(reps, 3)), String(ljAtoms)], { encoding: "utf8", env: { ...process.env, WAVE_F32: "1" } });
  for (const line of out.trim().split("\n").filter((l) => l !== "")) {
    const ref = JSON.parse(line) as Record<string, number | string>;
    if (ref.problem === "lj-box") {
      if (lj === null) continue;
      emit({ ...ref, impl: "c" });
      emit({
        problem: "lj-box", ratio_to: "c-ieee", evals_per_s_ratio: +(lj.evalsPerSecond / (ref.evals_per_s as number)).toFixed(3),
        energy_per_atom_difference: Math.abs(lj.energyPerAtom - (ref.energy_per_atom as number)),
      });
      continue;
    }
    if (ref.problem !== "wave1d-standard" || !want("wave1d")) continue;
    emit({ ...ref, impl: "c" });
    // Ratios to the float64 lines (the targets are against "ftz" float64): ours in each
    // backend and precision, throughput over the yardstick's.
    if (ref.precision !== "float64") continue;
    const fwd = ref.forward_s as number;
    const grad = ref.gradient_s as number;
    for (const { backend, precision, forwardS, gradientS } of waveTimes) {
      emit({
        problem: "wave1d-standard",
        backend,
        precision,
        ratio_to: `c-${ref.build}-float64`,
        forward_throughput_ratio: +(fwd / forwardS).toFixed(3),
        gradient_throughput_ratio: +(grad / gradientS).toFixed(3),
      });
    }
  }
  // The 2D yardstick (4 lines: ieee and ftz, each in float64 then float32), its gradient over the
  // same steps as ours.
  let out2d: string | null = null;
  if (wave2DTimes !== null) try {
    out2d = execFileSync("bash", [script, ...yardstick2DArgs()], { encoding: "utf8" });
  } catch (e) {
    emit({ problem: "wave2d-standard", yardstick: "absent", reason: `run-ref.sh --2d failed: ${(e as Error).message.split("\n")[0]}` });
  }
  for (const line of out2d?.trim().split("\n") ?? []) {
    const ref = JSON.parse(line) as Record<string, number | string>;
    if (ref.problem !== "wave2d-standard") continue;
    emit({ ...ref, impl: "c" });
    emitWave2DRatios(ref, wave2DTimes!);
  }
}
