/** Reading and validating scene files, with errors that name the path and the reason. */
import { readFileSync } from "node:fs";
import { parse as parseJsonc, printParseErrorCode, type ParseError } from "jsonc-parser";
import { InputError } from "../core/errors.js";
import { Scene } from "./schema.js";

function pathString(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? String(p) : `.${String(p)}`;
  return out === "" ? "(scene)" : out;
}

/** Every top-level key some kind of scene has. */
const SCENE_KEYS = new Set(Scene.options.flatMap((o) => Object.keys(o.shape)));

/** Validates a parsed scene; throws {@link InputError} listing every problem with its path. */
export function parseScene(value: unknown): Scene {
  // Without "kind" no schema applies, so its unknown keys would go unreported: a key no kind has
  // is then the likelier cause (a misspelt "kind").
  if (value !== null && typeof value === "object" && !Array.isArray(value) && !("kind" in value)) {
    const unknown = Object.keys(value).find((k) => !SCENE_KEYS.has(k));
    if (unknown !== undefined) throw new InputError(unknown, `no kind of scene has this field, and "kind" is missing: a misspelt "kind"?`);
  }
  const result = Scene.safeParse(value);
  if (result.success) return result.data;
  // An unknown key first: a misspelt key also leaves the one it meant missing, and the
  // misspelling is the cause to name.
  const all = result.error.issues, ordered = [...all.filter((i) => i.code === "unrecognized_keys"), ...all.filter((i) => i.code !== "unrecognized_keys")];
  const issues = ordered.map((i) => `${pathString(i.path)}: ${i.message}`);
  const first = ordered[0];
  throw new InputError(pathString(first.path), issues.length === 1 ? first.message : `${first.message}\n  ${issues.slice(1).join("\n  ")}`);
}

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1, start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/** Deepest nesting of objects and arrays a scene may have (the schema needs about 6). */
export const MAX_DEPTH = 64;

/**
 * The offset where the text's nesting of brackets (outside strings and
 * comments) first exceeds {@link MAX_DEPTH}, or -1: checked before parsing,
 * whose recursion would overflow the stack on a pathological file.
 */
function tooDeep(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === "{" || c === "[") {
      if (++depth > MAX_DEPTH) return i;
    } else if (c === "}" || c === "]") depth--;
  }
  return -1;
}

/** A token for a message: at most 40 characters. */
const shown = (token: string) => JSON.stringify(token.length > 40 ? `${token.slice(0, 40)}...` : token);

/** What a syntax error means, in words (with the hint that applies to it, if any). */
function syntaxProblem(error: ParseError, text: string): string {
  const token = text.slice(error.offset, error.offset + Math.max(error.length, 1));
  const closing = /^[}\]]/.test(token);
  switch (printParseErrorCode(error.error)) {
    case "InvalidSymbol":
      return /^-?(NaN|Infinity)/.test(token) || /^-?(NaN|Infinity)/.test(text.slice(error.offset))
        ? `unexpected ${token} (NaN and Infinity are not JSON numbers)`
        : `unexpected ${shown(token)}`;
    case "ValueExpected":
      return closing ? `expected a value before ${shown(token)} (a trailing comma?)` : `expected a value, got ${shown(token)}`;
    case "PropertyNameExpected":
      return closing ? `expected a property name before ${shown(token)} (a trailing comma?)` : `expected a property name in double quotes, got ${shown(token)}`;
    case "CommaExpected":
      return `expected a comma or a closing bracket, got ${shown(token)}`;
    case "ColonExpected":
      return `expected a colon after the property name, got ${shown(token)}`;
    case "CloseBraceExpected":
      return "expected } : an object is not closed";
    case "CloseBracketExpected":
      return "expected ] : an array is not closed";
    case "EndOfFileExpected":
      return `unexpected ${shown(token)} after the end of the scene`;
    case "UnexpectedEndOfString":
      return "a string is not closed";
    case "UnexpectedEndOfComment":
      return "a /* comment */ is not closed";
    default:
      return `${printParseErrorCode(error.error)} at ${shown(token)}`;
  }
}

/**
 * Parses the text of a scene file: JSON, with // and /* *\/ comments allowed
 * (as in the README's examples). A syntax error is an {@link InputError} on
 * `<file>:<line>:<column>` saying what is wrong, followed by the offending
 * line and a caret under the spot.
 */
export function parseSceneText(text: string, file = "(scene)"): unknown {
  const deep = tooDeep(text);
  if (deep >= 0) {
    const { line, column } = lineColumn(text, deep);
    throw new InputError(`${file}:${line}:${column}`, `not a scene: objects and arrays nested more than ${MAX_DEPTH} deep`);
  }
  const errors: ParseError[] = [];
  const value = parseJsonc(text, errors, { allowTrailingComma: false, disallowComments: false, allowEmptyContent: false });
  if (errors.length === 0) return value;
  const error = errors[0];
  const { line, column } = lineColumn(text, error.offset);
  const lineText = text.split("\n")[line - 1]?.replace(/\r$/, "") ?? "";
  const gutter = `${line} | `;
  throw new InputError(`${file}:${line}:${column}`, `not valid JSON: ${syntaxProblem(error, text)}\n  ${gutter}${lineText}\n  ${" ".repeat(gutter.length + column - 1)}^`);
}

/** Reads and validates a scene file (JSON with comments allowed). */
export function loadScene(file: string): Scene {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(file, `cannot read the scene file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return parseScene(parseSceneText(text, file));
}
