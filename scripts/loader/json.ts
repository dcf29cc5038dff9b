// The JSON dialect of a log line, as DuckDB's reader (yyjson) accepts it,
// for the lines JavaScript explains: those DuckDB did not accept. Both
// sides must read a line alike, or a line would get one outcome when it is
// well-formed and another when a second fault sends it to JavaScript
// (scripts/loader/README.md, "JSON dialect"). JSON.parse differs in three
// ways, so it is not used: DuckDB takes the first of two duplicate keys,
// tolerates one trailing comma before `}` or `]`, and reads NaN / Infinity
// literals. Besides, a number written with a fraction or an exponent comes
// back boxed (a Number object): ajv's `integer` then refuses it, as the SQL
// checks do, where JSON.parse would turn 1.0 into the integer 1.
//
// Lone UTF-16 surrogate escapes are decoded as JSON.parse does; DuckDB
// refuses such a line outright, so only this side ever decides them.

export class JsonSyntaxError extends Error {}

/** A parsed line and the digits of its top-level Timestamp, if it is written as an integer. */
export interface ParsedLine {
  value: unknown;
  timestampDigits: string | null;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
// DuckDB trims a line with isspace() before parsing: vertical tab and form feed too
const LINE_WS = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c]);
const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;
const NON_FINITE = /-?(?:infinity|inf|nan)/iy;

export function parseLine(text: string): ParsedLine {
  let i = 0;
  let timestampDigits: string | null = null;
  let lastInteger: string | null = null;
  const fail = (what: string): never => {
    throw new JsonSyntaxError(`${what} at position ${i} (not valid JSON)`);
  };
  const skipWs = () => {
    while (i < text.length && WS.has(text.charCodeAt(i))) i++;
  };

  const string = (): string => {
    i++; // opening quote
    let out = '';
    let start = i;
    for (;;) {
      if (i >= text.length) fail('Unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (c < 0x20) fail('Bad control character in string literal');
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(start, i);
      const e = text[i + 1];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e !== undefined && e in simple) {
        out += simple[e];
        i += 2;
      } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
      } else {
        fail('Bad escaped character');
      }
      start = i;
    }
  };

  const value = (depth: number): unknown => {
    if (depth > 1000) fail('Too deeply nested');
    skipWs();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      skipWs();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        skipWs();
        if (text[i] !== '"') fail('Expected a property name');
        const key = string();
        skipWs();
        if (text[i] !== ':') fail("Expected ':' after property name");
        i++;
        lastInteger = null;
        const v = value(depth + 1);
        // the first of duplicate keys wins, as in DuckDB
        if (!Object.prototype.hasOwnProperty.call(obj, key)) {
          Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
          if (depth === 0 && key === 'Timestamp') timestampDigits = typeof v === 'number' ? lastInteger : null;
        }
        skipWs();
        if (text[i] === ',') {
          i++;
          skipWs();
          if (text[i] === '}') {
            i++;
            return obj;
          }
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail("Expected ',' or '}' after property value");
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      skipWs();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1));
        skipWs();
        if (text[i] === ',') {
          i++;
          skipWs();
          if (text[i] === ']') {
            i++;
            return arr;
          }
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail("Expected ',' or ']' after array element");
      }
    }
    if (c === '"') return string();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    NON_FINITE.lastIndex = i;
    const nf = NON_FINITE.exec(text);
    if (nf) {
      i += nf[0].length;
      const neg = nf[0].startsWith('-');
      // eslint-disable-next-line no-new-wrappers
      return new Number(/nan/i.test(nf[0]) ? NaN : neg ? -Infinity : Infinity);
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) fail(c === undefined ? 'Unexpected end of JSON input' : `Unexpected token '${c}'`);
    i += m![0].length;
    if (INTEGER.test(m![0])) {
      lastInteger = m![0];
      return Number(m![0]);
    }
    // eslint-disable-next-line no-new-wrappers
    return new Number(m![0]);
  };

  while (i < text.length && LINE_WS.has(text.charCodeAt(i))) i++;
  const v = value(0);
  while (i < text.length && LINE_WS.has(text.charCodeAt(i))) i++;
  if (i < text.length) fail('Unexpected non-whitespace character after JSON');
  return { value: v, timestampDigits };
}
