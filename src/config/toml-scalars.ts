// Unquoted TOML values: integers, floats, booleans; dates are recognised only to be refused.
import type { Cursor } from "./toml-cursor.ts";
import { TomlError } from "./toml-error.ts";

const WORD = /[0-9A-Za-z_+\-.:]+/y;
const DEC = /^[+-]?(?:0|[1-9](?:_?[0-9])*)$/;
const PREFIXED = /^0(?:x[0-9A-Fa-f](?:_?[0-9A-Fa-f])*|o[0-7](?:_?[0-7])*|b[01](?:_?[01])*)$/;
const FLOAT = /^[+-]?(?:0|[1-9](?:_?[0-9])*)(?:\.[0-9](?:_?[0-9])*)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?$/;
const SPECIAL = /^[+-]?(?:inf|nan)$/;
const DATE = /^(?:\d{4}-\d{2}-\d{2}|\d{2}:\d{2})/;
const NUMBER_FORMS = "a number (integer like 42, -7, 1_000 or 0x1F; float like 3.14, 1e3, inf or nan)";
export const VALUE_FORMS = 'a value ("string", \'string\', number, true/false, [array] or { inline table })';

/** Parses a bare word at the cursor as a boolean, integer or float. */
export function parseScalar(c: Cursor): boolean | number {
  WORD.lastIndex = c.pos;
  const word = WORD.exec(c.src)?.[0];
  if (word === undefined) c.fail(VALUE_FORMS);
  const value = classify(word, c);
  c.pos += word.length;
  return value;
}

/** Turns one bare word into its value, or fails saying which form was expected. */
function classify(word: string, c: Cursor): boolean | number {
  if (word === "true") return true;
  if (word === "false") return false;
  if (DATE.test(word)) {
    throw new TomlError(c.line, `dates and times are not supported, found '${word}'; expected a "quoted string" or a number`);
  }
  if (DEC.test(word) || PREFIXED.test(word)) return integer(word, c);
  if (SPECIAL.test(word)) return word.endsWith("inf") ? (word.startsWith("-") ? -Infinity : Infinity) : NaN;
  const hasPoint = word.includes(".") || (!/^0x/.test(word) && /[eE]/.test(word));
  if (FLOAT.test(word) && hasPoint) return Number(word.replaceAll("_", ""));
  c.fail(/^[+\-0-9]/.test(word) ? NUMBER_FORMS : VALUE_FORMS);
}

/** Converts an integer literal, refusing values JavaScript cannot hold exactly. */
function integer(word: string, c: Cursor): number {
  const n = Number(word.replaceAll("_", ""));
  if (!Number.isSafeInteger(n)) {
    throw new TomlError(c.line, `integer ${word} is out of range; expected an integer between -(2^53-1) and 2^53-1`);
  }
  return n === 0 ? 0 : n;
}
