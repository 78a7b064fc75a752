// Incremental splitter for a stream of concatenated JSON values (pretty-printed one after another,
// or JSON lines). It only tracks strings, escapes and bracket depth; JSON.parse does the rest.
// Lists are split further: each element of a top-level array, or of the "items" array of a
// top-level object, is its own unit, so a 100k-item List never sits in memory whole.
import { TRC, TraceError, type SourcePos } from './event.ts';

export interface ListCtx {
  pos: SourcePos;
  /** Text of the List object up to its items array, e.g. `{"kind":"PodList",...,"items":[` (undefined for a bare array). */
  headText?: string;
}
export type Unit =
  | { k: 'value'; text: string; pos: SourcePos }             // a whole top-level value that is not a List
  | { k: 'item'; text: string; pos: SourcePos; list: ListCtx }
  | { k: 'listEnd'; text: string; pos: SourcePos; list: ListCtx }; // the List with its items removed

const enum C { QUOTE = 34, BSLASH = 92, LBRACE = 123, RBRACE = 125, LBRACK = 91, RBRACK = 93,
  COMMA = 44, COLON = 58, NL = 10, CR = 13, SP = 32, TAB = 9, BOM = 0xfeff }

export class JsonSplitter {
  private base = 0; private line = 1; private lineStart = 0;
  private depth = 0; private inStr = false; private esc = false;
  private elemDepth = -1;           // depth at which List items open; -1 outside a List
  private topObj = false; private pendingItems = false;
  private keyBuf: string | null = null; private collecting = false;
  private topParts: string[] = []; private topFrom = -1; private topPos: SourcePos | undefined;
  private itemParts: string[] = []; private itemFrom = -1; private itemPos: SourcePos | undefined;
  private expectItem = true;        // inside items: after '[' or ',' an item may come, after an item a ',' or ']'
  private lastComma: SourcePos | undefined; // where the last comma between items was, until an item follows
  private list: ListCtx | undefined;
  private out: Unit[] = [];

  constructor(readonly file: string) {}

  private posAt(i: number): SourcePos {
    const index = this.base + i;
    return { file: this.file, line: this.line, column: index - this.lineStart + 1, index };
  }

  /** Set when the stream is broken; raised by the reader after the units completed before it. */
  error: TraceError | undefined;

  /** Feeds one chunk; returns the units completed in it (up to an error, see `error`). */
  push(s: string): Unit[] {
    this.out = [];
    if (this.error) return this.out;
    try {
      return this.scan(s);
    } catch (e) {
      if (!(e instanceof TraceError)) throw e;
      this.error = e; // events before the error must not depend on where chunks were cut
      return this.out;
    }
  }

  private scan(s: string): Unit[] {
    const n = s.length;
    let i = 0;
    if (this.inStr) {
      const q = this.skipStr(s, 0);
      if (this.collecting) this.keyBuf += q < 0 ? s : s.slice(0, q);
      if (q < 0) return this.carry(s);
      i = q + 1;
    }
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === C.QUOTE) {
        if (this.depth === 0) this.fail(i, TRC.GARBAGE, 'expected a JSON object, found a string');
        if (this.depth === this.elemDepth) this.fail(i, TRC.BAD_ITEM, 'List item is not an object');
        const q = this.skipStr(s, i + 1);
        // keys of the top-level object are remembered to spot "items"
        this.collecting = this.depth === 1 && this.topObj;
        if (this.collecting) this.keyBuf = q < 0 ? s.slice(i + 1) : s.slice(i + 1, q);
        if (q < 0) return this.carry(s);
        i = q;
      } else if (c === C.LBRACE || c === C.LBRACK) {
        const d = this.depth;
        if (d === 0) this.startTop(i, c === C.LBRACE);
        else if (d === this.elemDepth) this.startItem(i, c);
        else if (d === 1 && this.pendingItems && c === C.LBRACK) this.enterItems(s, i, 2);
        this.depth = d + 1;
      } else if (c === C.RBRACE || c === C.RBRACK) {
        const d = --this.depth;
        if (d < 0) { this.depth = 0; this.fail(i, TRC.GARBAGE, `unexpected '${s[i]}' outside any JSON value`); }
        if (d === this.elemDepth && this.itemFrom >= 0) this.endItem(s, i);
        else if (d === this.elemDepth - 1) this.exitItems(i);
        if (d === 0) this.endTop(s, i);
      } else if (c === C.NL) {
        this.line++; this.lineStart = this.base + i + 1;
      } else if (c === C.SP || c === C.CR || c === C.TAB) {
        // whitespace
      } else if (this.depth === 0) {
        if (!(c === C.BOM && this.base + i === 0)) {
          this.fail(i, TRC.GARBAGE, `unexpected ${JSON.stringify(s[i])}: not the start of a JSON object`);
        }
      } else if (this.depth === this.elemDepth) {
        if (c !== C.COMMA || this.expectItem) this.fail(i, TRC.BAD_ITEM, c === C.COMMA ? 'misplaced comma in List' : 'List item is not an object');
        this.expectItem = true; this.lastComma = this.posAt(i);
      } else if (this.depth === 1 && this.topObj) {
        if (c === C.COLON) this.pendingItems = this.keyBuf === 'items';
        else this.pendingItems = false;
      }
    }
    return this.carry(s);
  }

  /** Call at EOF: throws if a value is still open. */
  end(): void {
    if (this.error) throw this.error;
    if (this.depth > 0 || this.inStr) {
      const p = this.itemFrom >= 0 ? this.itemPos! : this.topPos!;
      throw TraceError.at(p, TRC.TRUNCATED,
        `unterminated JSON ${this.itemFrom >= 0 ? 'List item' : 'value'} starts here (stream ended inside it)`);
    }
  }

  /** Returns the index of the closing quote, or -1 if the string runs past the chunk (escape state kept). */
  private skipStr(s: string, i: number): number {
    if (this.esc) { this.esc = false; i++; }
    for (;;) {
      const q = s.indexOf('"', i);
      let k = (q < 0 ? s.length : q) - 1, bs = 0;
      while (k >= i && s.charCodeAt(k) === C.BSLASH) { bs++; k--; }
      if (q < 0) { this.inStr = true; this.esc = (bs & 1) === 1; return -1; }
      if ((bs & 1) === 0) { this.inStr = false; return q; }
      i = q + 1;
    }
  }

  /** End of chunk: stash the unfinished parts so the chunk string can be released. */
  private carry(s: string): Unit[] {
    if (this.topFrom >= 0) { this.topParts.push(s.slice(this.topFrom)); this.topFrom = 0; }
    if (this.itemFrom >= 0) { this.itemParts.push(s.slice(this.itemFrom)); this.itemFrom = 0; }
    this.base += s.length;
    return this.out;
  }

  private startTop(i: number, obj: boolean): void {
    this.topPos = this.posAt(i);
    this.topFrom = i; this.topParts = [];
    this.topObj = obj; this.pendingItems = false; this.keyBuf = null;
    if (!obj) {
      // a bare array (sonobuoy's snapshots): items are the units, the shell is just "[]"
      this.list = { pos: this.topPos }; this.elemDepth = 1; this.expectItem = true; this.lastComma = undefined;
      this.topParts = ['[']; this.topFrom = -1;
    }
  }

  private enterItems(s: string, i: number, elemDepth: number): void {
    const headText = this.topParts.join('') + s.slice(this.topFrom, i + 1);
    this.list = { pos: this.topPos!, headText };
    this.elemDepth = elemDepth; this.expectItem = true; this.lastComma = undefined;
    // the shell keeps `..."items":[` and resumes at the closing ']', so it stays valid JSON
    this.topParts = [headText]; this.topFrom = -1;
  }

  private exitItems(i: number): void {
    if (this.lastComma) throw TraceError.at(this.lastComma, TRC.BAD_ITEM, 'trailing comma in List');
    this.elemDepth = -1; this.topFrom = i; this.pendingItems = false;
  }

  private startItem(i: number, c: number): void {
    if (c !== C.LBRACE) this.fail(i, TRC.BAD_ITEM, 'List item is not an object');
    if (!this.expectItem) this.fail(i, TRC.BAD_ITEM, "expected ',' between List items");
    this.itemPos = this.posAt(i); this.itemFrom = i; this.itemParts = [];
  }

  private endItem(s: string, i: number): void {
    const tail = s.slice(this.itemFrom, i + 1);
    const text = this.itemParts.length ? this.itemParts.join('') + tail : tail;
    this.itemParts = []; this.itemFrom = -1; this.expectItem = false; this.lastComma = undefined;
    this.out.push({ k: 'item', text, pos: this.itemPos!, list: this.list! });
  }

  private endTop(s: string, i: number): void {
    const tail = s.slice(this.topFrom, i + 1);
    const text = this.topParts.length ? this.topParts.join('') + tail : tail;
    this.topParts = []; this.topFrom = -1;
    if (this.list) this.out.push({ k: 'listEnd', text, pos: this.topPos!, list: this.list });
    else this.out.push({ k: 'value', text, pos: this.topPos! });
    this.list = undefined; this.elemDepth = -1; this.topObj = false;
  }

  private fail(i: number, code: typeof TRC[keyof typeof TRC], msg: string): never {
    throw TraceError.at(this.posAt(i), code, msg);
  }
}

/** JSON.parse with a file:line:col error. Node 20's messages carry no offset, so on failure a small
 *  validator finds it (slow path only). */
export function parseAt(text: string, pos: SourcePos): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const [off, msg] = locateJsonError(text);
    let line = pos.line, col = pos.column + off;
    const nl = text.lastIndexOf('\n', off - 1);
    if (nl >= 0) {
      for (let k = text.indexOf('\n'); k >= 0 && k < off; k = text.indexOf('\n', k + 1)) line++;
      col = off - nl;
    }
    throw new TraceError(pos.file, line, col, TRC.BAD_JSON, `invalid JSON: ${msg}`);
  }
}

/** Offset and description of the first syntax error in text (assumed invalid). */
export function locateJsonError(t: string): [number, string] {
  let i = 0;
  const ws = () => { while (i < t.length && ' \t\r\n'.includes(t[i]!)) i++; };
  const bad = (what: string): never => {
    throw [i, i < t.length ? `unexpected ${JSON.stringify(t[i])}, expected ${what}` : `unexpected end, expected ${what}`];
  };
  const str = () => {
    i++;
    while (i < t.length && t[i] !== '"') {
      const c = t.charCodeAt(i);
      if (c < 0x20) bad('a closing quote (raw control character in string)');
      if (t[i] === '\\') {
        i++;
        if (t[i] === 'u') { if (!/^[0-9a-fA-F]{4}$/.test(t.slice(i + 1, i + 5))) bad('4 hex digits'); i += 4; }
        else if (!'"\\/bfnrt'.includes(t[i] ?? 'x')) bad('an escape character');
      }
      i++;
    }
    if (i >= t.length) bad('a closing quote');
    i++;
  };
  const value = (): void => {
    ws();
    const c = t[i];
    if (c === '{') {
      i++; ws();
      if (t[i] === '}') { i++; return; }
      for (;;) {
        ws(); if (t[i] !== '"') bad('a string key'); str(); ws();
        if (t[i] !== ':') bad("':'"); i++; value(); ws();
        if (t[i] === ',') { i++; continue; }
        if (t[i] === '}') { i++; return; }
        bad("',' or '}'");
      }
    } else if (c === '[') {
      i++; ws();
      if (t[i] === ']') { i++; return; }
      for (;;) {
        value(); ws();
        if (t[i] === ',') { i++; continue; }
        if (t[i] === ']') { i++; return; }
        bad("',' or ']'");
      }
    } else if (c === '"') str();
    else {
      const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(t.slice(i, i + 400));
      if (!m) bad('a value');
      i += m![0].length;
    }
  };
  try {
    value(); ws();
    if (i < t.length) bad('end of value');
    return [0, 'unknown syntax error'];
  } catch (e) {
    if (Array.isArray(e)) return e as [number, string];
    throw e;
  }
}
