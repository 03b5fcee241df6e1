/** Reading and validating scene files, with errors that name the path and the reason. */
import { readFileSync } from "node:fs";
import { InputError } from "../core/errors.js";
import { Scene } from "./schema.js";

function pathString(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? String(p) : `.${String(p)}`;
  return out === "" ? "(scene)" : out;
}

/** Validates a parsed scene; throws {@link InputError} listing every problem with its path. */
export function parseScene(value: unknown): Scene {
  const result = Scene.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${pathString(i.path)}: ${i.message}`);
  const first = result.error.issues[0];
  throw new InputError(pathString(first.path), issues.length === 1 ? first.message : `${first.message}\n  ${issues.slice(1).join("\n  ")}`);
}

/** Reads and validates a scene file. */
export function loadScene(file: string): Scene {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(file, `cannot read the scene file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, `not valid JSON: ${(e as Error).message} (NaN and Infinity are not JSON numbers)`);
  }
  return parseScene(value);
}

