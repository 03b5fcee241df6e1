import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test, vi } from "vitest";

test("the README's library tour runs and prints a dot test at round-off and Taylor orders 1 and 2", async () => {
  const readme = readFileSync("README.md", "utf8");
  const marker = readme.indexOf("<!-- readme-snippet: tour");
  expect(marker).toBeGreaterThan(0);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(marker))![1];
  const dir = join(process.cwd(), "node_modules/.cache/gradscape-test");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "readme-tour.ts");
  writeFileSync(file, block.replace(/from "gradscape"/, `from ${JSON.stringify(join(process.cwd(), "src/index.ts"))}`));
  const lines: string[] = [];
  const spy = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void lines.push(a.join(" ")));
  try {
    await import(file);
  } finally {
    spy.mockRestore();
  }
  const m = /dot test (\S+), Taylor orders (\S+) (\S+)/.exec(lines.join("\n"));
  expect(m).not.toBeNull();
  expect(Number(m![1])).toBeLessThan(1e-12);
  expect(Math.abs(Number(m![2]) - 1)).toBeLessThan(0.1);
  expect(Math.abs(Number(m![3]) - 2)).toBeLessThan(0.1);
});
