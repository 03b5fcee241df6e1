import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test, vi } from "vitest";

/** Runs the README block marked `<!-- readme-snippet: NAME` and returns what it printed. */
async function runSnippet(name: string): Promise<string> {
  const readme = readFileSync("README.md", "utf8");
  const marker = readme.indexOf(`<!-- readme-snippet: ${name}`);
  expect(marker).toBeGreaterThan(0);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(marker))![1];
  const dir = join(process.cwd(), "node_modules/.cache/gradscape-test");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `readme-${name}.ts`);
  writeFileSync(file, block.replace(/from "gradscape"/, `from ${JSON.stringify(join(process.cwd(), "src/index.ts"))}`));
  const lines: string[] = [];
  const spy = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void lines.push(a.join(" ")));
  try {
    await import(file);
  } finally {
    spy.mockRestore();
  }
  return lines.join("\n");
}

test("the README's library tour runs and prints a dot test at round-off and Taylor orders 1 and 2", async () => {
  const out = await runSnippet("tour");
  const m = /dot test (\S+), Taylor orders (\S+) (\S+)/.exec(out);
  expect(m).not.toBeNull();
  expect(Number(m![1])).toBeLessThan(1e-12);
  expect(Math.abs(Number(m![2]) - 1)).toBeLessThan(0.1);
  expect(Math.abs(Number(m![3]) - 2)).toBeLessThan(0.1);
});

test("the README's 2D example runs and prints its data shape and a dot test at round-off", async () => {
  const out = await runSnippet("wave2d");
  const m = /data 1 x 50 x 500, (\S+) storage; dot test (\S+)/.exec(out);
  expect(m).not.toBeNull();
  expect(m![1]).toBe("full");
  // The dot tests of test/wave2d-born.test.ts measure 5e-15 to 2.2e-14 in float64.
  expect(Number(m![2])).toBeLessThan(1e-12);
});

test("the README's float32 example runs and prints float32 data within 1e-4 of float64 and a dot test within 2e-4", async () => {
  const out = await runSnippet("float32");
  const m = /float32 data within (\S+) of float64, dot test (\S+)/.exec(out);
  expect(m).not.toBeNull();
  expect(Number(m![1])).toBeGreaterThan(0);
  expect(Number(m![1])).toBeLessThan(1e-4);
  expect(Number(m![2])).toBeLessThan(2e-4);
});

test("the README's inversion example runs and at least halves the model error", async () => {
  const out = await runSnippet("inversion");
  const m = /model error (\S+) -> (\S+)/.exec(out);
  expect(m).not.toBeNull();
  expect(Number(m![2])).toBeLessThan(0.5 * Number(m![1]));
});

test("the README's heat example runs and prints dot tests at round-off and a Taylor order of 2", async () => {
  const out = await runSnippet("heat");
  const m = /dot tests (\S+), Taylor order (\S+)/.exec(out);
  expect(m).not.toBeNull();
  expect(Number(m![1])).toBeLessThan(1e-12);
  expect(Math.abs(Number(m![2]) - 2)).toBeLessThan(0.1);
});

test("the README's optimizer example: Nesterov in about sqrt(kappa) iterations, Newton-CG in a tenth of L-BFGS's", async () => {
  const out = await runSnippet("optimizers");
  const m = /Nesterov: (\d+) iterations[\s\S]*Newton-CG (\d+) iterations \((\d+) products\), L-BFGS (\d+)/.exec(out);
  expect(m).not.toBeNull();
  const [nesterovIterations, newton, , quasi] = m!.slice(1).map(Number);
  // 13.8 sqrt(kappa) = 1,380 iterations reduce the error by 1e-6 at rate 1 - 1/sqrt(kappa); gradient
  // descent would need ~69,000. The Newton-CG and L-BFGS counts are test/newton-cg.test.ts's (7, 70).
  expect(nesterovIterations).toBeLessThan(3000);
  expect(newton).toBeLessThanOrEqual(8);
  expect(quasi).toBeGreaterThanOrEqual(5 * newton);
});

test("the README's molecular example finds the LJ13 global minimum", async () => {
  const out = await runSnippet("molecular");
  const m = /LJ13: E = (\S+)/.exec(out);
  expect(m).not.toBeNull();
  // The Cambridge Cluster Database value, to its 6 decimals.
  expect(Math.abs(Number(m![1]) - -44.326801)).toBeLessThan(1e-6);
});

test("the README's butane example prints the anti minimum at 0 and the two gauche minima at +-63.45 deg, 0.8296 kcal/mol above", async () => {
  const out = await runSnippet("butane");
  const found = [...out.matchAll(/phi (\S+) deg: E = (\S+) kcal\/mol/g)].map((m) => [Number(m[1]), Number(m[2])]);
  // test/molecular-alkane.test.ts finds the same minima from other starts: 63.451 deg, 0.8296 kcal/mol (to the printed digits).
  expect(found.length).toBe(3);
  expect(Math.abs(found[0][0])).toBe(180);
  expect(found[0][1]).toBe(0);
  expect(found.slice(1)).toEqual([[63.45, 0.8296], [-63.45, 0.8296]]);
});

test("the README's calibration example fits energies and forces within 3 standard errors of the true Morse parameters", async () => {
  const out = await runSnippet("calibration");
  const m = /D_e = (\S+) ± (\S+), a = (\S+) ± (\S+), r_e = (\S+) ± (\S+)/.exec(out);
  expect(m).not.toBeNull();
  const truth = [0.5, 1.6, 1.4];
  for (let i = 0; i < 3; i++) expect(Math.abs(Number(m![1 + 2 * i]) - truth[i])).toBeLessThan(3 * Number(m![2 + 2 * i]));
});
