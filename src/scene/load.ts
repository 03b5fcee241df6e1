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

/** Validates a parsed scene; throws {@link InputError} listing every problem with its path. */
export function parseScene(value: unknown): Scene {
  const result = Scene.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${pathString(i.path)}: ${i.message}`);
  const first = result.error.issues[0];
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

/** What a syntax error means, in words (with the hint that applies to it, if any). */
function syntaxProblem(error: ParseError, text: string): string {
  const token = text.slice(error.offset, error.offset + Math.max(error.length, 1));
  const closing = /^[}\]]/.test(token);
  switch (printParseErrorCode(error.error)) {
    case "InvalidSymbol":
      return /^-?(NaN|Infinity)/.test(token) || /^-?(NaN|Infinity)/.test(text.slice(error.offset))
        ? `unexpected ${token} (NaN and Infinity are not JSON numbers)`
        : `unexpected ${JSON.stringify(token)}`;
    case "ValueExpected":
      return closing ? `expected a value before ${JSON.stringify(token)} (a trailing comma?)` : `expected a value, got ${JSON.stringify(token)}`;
    case "PropertyNameExpected":
      return closing ? `expected a property name before ${JSON.stringify(token)} (a trailing comma?)` : `expected a property name in double quotes, got ${JSON.stringify(token)}`;
    case "CommaExpected":
      return `expected a comma or a closing bracket, got ${JSON.stringify(token)}`;
    case "ColonExpected":
      return `expected a colon after the property name, got ${JSON.stringify(token)}`;
    case "CloseBraceExpected":
      return "expected } : an object is not closed";
    case "CloseBracketExpected":
      return "expected ] : an array is not closed";
    case "EndOfFileExpected":
      return `unexpected ${JSON.stringify(token)} after the end of the scene`;
    case "UnexpectedEndOfString":
      return "a string is not closed";
    case "UnexpectedEndOfComment":
      return "a /* comment */ is not closed";
    default:
      return `${printParseErrorCode(error.error)} at ${JSON.stringify(token)}`;
  }
}

/**
 * Parses the text of a scene file: JSON, with // and /* *\/ comments allowed
 * (as in the README's examples). A syntax error is an {@link InputError} on
 * `<file>:<line>:<column>` saying what is wrong, followed by the offending
 * line and a caret under the spot.
 */
export function parseSceneText(text: string, file = "(scene)"): unknown {
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
