/** A Python literal as found in an .npy header: tuples and lists both become arrays. */
export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

export class PyLiteralError extends Error {}

/** Containers nested deeper than this are refused: an .npy header nests two levels, and a hostile one must not exhaust the stack. */
export const MAX_LITERAL_DEPTH = 32;

/**
 * Parses a Python literal (dict, tuple, list, str, int, float, True/False/None) without eval.
 * Integers beyond 2^53 are rejected rather than rounded, since they are shapes.
 */
export function parsePyLiteral(text: string): PyValue {
  const parser = new Parser(text);
  const value = parser.value();
  parser.skipSpace();
  if (!parser.atEnd()) parser.fail('unexpected text after the literal');
  return value;
}

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  fail(what: string): never {
    throw new PyLiteralError(`${what} at character ${this.pos + 1}`);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  value(): PyValue {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '{' || c === '(' || c === '[') return this.container(c);
    if (c === "'" || c === '"') return this.string();
    if (c !== undefined && /[-+0-9.]/.test(c)) return this.number();
    return this.word();
  }

  private expect(char: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== char) this.fail(`expected '${char}'`);
    this.pos++;
  }

  /** After an item: true when the closing bracket follows (a trailing comma is allowed). */
  private endOfItems(close: string): boolean {
    this.skipSpace();
    if (this.text[this.pos] === ',') {
      this.pos++;
      this.skipSpace();
    } else if (this.text[this.pos] !== close) {
      this.fail(`expected ',' or '${close}'`);
    }
    if (this.text[this.pos] !== close) return false;
    this.pos++;
    return true;
  }

  private container(open: '{' | '(' | '['): PyValue {
    if (this.depth === MAX_LITERAL_DEPTH) this.fail(`containers nested deeper than ${MAX_LITERAL_DEPTH} levels`);
    this.depth++;
    const value = open === '{' ? this.dict() : this.sequence(open === '(' ? ')' : ']');
    this.depth--;
    return value;
  }

  private dict(): PyValue {
    this.pos++;
    // No prototype: a key such as '__proto__' or 'constructor' is an ordinary key, never an inherited member.
    const out: { [key: string]: PyValue } = Object.create(null) as { [key: string]: PyValue };
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      const key = this.value();
      if (typeof key !== 'string') this.fail('expected a string key');
      this.expect(':');
      out[key] = this.value();
      if (this.endOfItems('}')) return out;
    }
  }

  private sequence(close: string): PyValue {
    this.pos++;
    const out: PyValue[] = [];
    this.skipSpace();
    if (this.text[this.pos] === close) {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      if (this.endOfItems(close)) return out;
    }
  }

  private string(): string {
    const quote = this.text[this.pos++];
    let out = '';
    for (;;) {
      const c = this.text[this.pos++];
      if (c === undefined || c === '\n') this.fail('unterminated string');
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.text[this.pos++];
      if (e === 'x' || e === 'u') {
        const digits = this.text.slice(this.pos, this.pos + (e === 'x' ? 2 : 4));
        if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== (e === 'x' ? 2 : 4)) this.fail('bad escape');
        out += String.fromCharCode(parseInt(digits, 16));
        this.pos += digits.length;
      } else {
        out += ESCAPES[e] ?? this.fail('bad escape');
      }
    }
  }

  private number(): number {
    const match = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?[lL]?/.exec(this.text.slice(this.pos, this.pos + 64));
    if (!match) this.fail('expected a number');
    this.pos += match[0].length;
    const value = Number(match[0].replace(/[lL]$/, ''));
    if (/^[-+]?\d+[lL]?$/.test(match[0]) && !Number.isSafeInteger(value)) this.fail('integer too large');
    return value;
  }

  private word(): PyValue {
    const match = /^[A-Za-z_]\w*/.exec(this.text.slice(this.pos, this.pos + 16));
    const word = match?.[0];
    if (word === 'True' || word === 'False' || word === 'None') {
      this.pos += word.length;
      return word === 'None' ? null : word === 'True';
    }
    return this.fail('expected a value');
  }
}

const ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', '0': '\0' };
