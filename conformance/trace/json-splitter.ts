// Incremental splitter for a stream of concatenated JSON values (pretty-printed one after another,
// or JSON lines). The slow path tracks strings, escapes and bracket depth char by char; JSON.parse
// does the rest. Lists are split further: each element of a top-level array, or of the "items"
// array of a top-level object, is its own unit, so a 100k-item List never sits in memory whole.
// The fast path guesses where a value ends (end of line, or a '}' opening a line, as kubectl and
// JSON-lines writers print) with native indexOf and lets JSON.parse confirm it: a JSON object is
// prefix-free, so a candidate that parses is exactly the value. Anything else goes the slow way.
import { TRC, TraceError, isObj, textChunks, type SourcePos } from './event.ts';

export interface ListCtx {
  pos: SourcePos;
  /** Text of the List object up to its items array, e.g. `{"kind":"PodList",...,"items":[` (undefined for a bare array). */
  headText?: string;
}
export type Unit =
  | { k: 'value'; text: string; pos: SourcePos; parsed?: unknown } // a whole top-level value, not a List
  | { k: 'item'; text: string; pos: SourcePos; list: ListCtx }
  | { k: 'listEnd'; text: string; pos: SourcePos; list: ListCtx }; // the List with its items removed

const enum C { QUOTE = 34, BSLASH = 92, LBRACE = 123, RBRACE = 125, LBRACK = 91, RBRACK = 93,
  COMMA = 44, COLON = 58, NL = 10, CR = 13, SP = 32, TAB = 9, BOM = 0xfeff }
const FAST_MAX = 1 << 20; // a value with no end in sight after this many chars goes the slow way

/** The units of a stream, a batch per chunk; a broken stream throws after the units before the break. */
export async function* units(chunks: AsyncIterable<string | Buffer> | string, file: string): AsyncGenerator<Unit[]> {
  const sp = new JsonSplitter(file);
  for await (const s of textChunks(chunks)) {
    const u = sp.push(s);
    if (u.length) yield u;
    if (sp.error) throw sp.error;
  }
  const u = sp.end();
  if (u.length) yield u;
  if (sp.error) throw sp.error;
}

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
  private fast = true;      // between values: try the fast path
  private pending = '';     // fast path: text not consumed yet, starting at global index pbase
  private pbase = 0;
  private searchFrom = 0;   // global index where the search for '\n}' resumes

  constructor(readonly file: string) {}

  private posAt(i: number): SourcePos {
    const index = this.base + i;
    return { file: this.file, line: this.line, column: index - this.lineStart + 1, index };
  }

  /** Set when the stream is broken; raised by the reader after the units completed before it. */
  error: TraceError | undefined;

  /** Feeds one chunk; returns the units completed in it (up to an error, see `error`). */
  push(s: string): Unit[] {
    return this.guard(() => (this.fast ? this.fastScan(this.pending + s, false) : this.slow(s)));
  }

  /** At EOF: the units still pending; sets `error` if a value is still open. */
  end(): Unit[] {
    return this.guard(() => {
      if (this.fast && this.pending) this.fastScan(this.pending, true);
      if (this.depth > 0 || this.inStr) {
        const p = this.itemFrom >= 0 ? this.itemPos! : this.topPos!;
        throw TraceError.at(p, TRC.TRUNCATED,
          `unterminated JSON ${this.itemFrom >= 0 ? 'List item' : 'value'} starts here (stream ended inside it)`);
      }
    });
  }

  private guard(f: () => void): Unit[] {
    this.out = [];
    if (this.error) return this.out;
    try {
      f();
    } catch (e) {
      if (!(e instanceof TraceError)) throw e;
      this.error = e; // events before the error must not depend on where chunks were cut
    }
    return this.out;
  }

  private slow(s: string): void {
    this.scan(s);
    if (this.depth === 0 && !this.inStr) { this.fast = true; this.pending = ''; this.pbase = this.base; }
  }

  private toSlow(t: string, p: number): void {
    this.fast = false; this.pending = ''; this.base = this.pbase + p;
    this.slow(p ? t.slice(p) : t);
  }

  private fastScan(t: string, eof: boolean): void {
    const n = t.length;
    let p = 0;
    for (;;) {
      let c = 0;
      for (; p < n; p++) {
        c = t.charCodeAt(p);
        if (c === C.NL) { this.line++; this.lineStart = this.pbase + p + 1; }
        else if (c !== C.SP && c !== C.CR && c !== C.TAB && !(c === C.BOM && this.pbase + p === 0)) break;
      }
      if (p >= n) { this.pending = ''; this.pbase += n; return; }
      if (c !== C.LBRACE) return this.toSlow(t, p);
      const end = this.findEnd(t, p);
      if (end < 0) {
        if (eof || n - p > FAST_MAX) return this.toSlow(t, p);
        this.searchFrom = this.pbase + n - 1;
        this.pending = p ? t.slice(p) : t; this.pbase += p;
        return;
      }
      const text = t.slice(p, end + 1);
      let v: unknown;
      try { v = JSON.parse(text); } catch { return this.toSlow(t, p); }
      if (isObj(v) && Array.isArray(v.items)) return this.toSlow(t, p); // a List: items need their own positions
      const index = this.pbase + p;
      this.out.push({ k: 'value', text, pos: { file: this.file, line: this.line, column: index - this.lineStart + 1, index }, parsed: v });
      for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) { this.line++; this.lineStart = index + k + 1; }
      p = end + 1;
      this.searchFrom = 0;
    }
  }

  /** Candidate end of the object at p: its first line if that ends in '}', else the next line starting with '}'. */
  private findEnd(t: string, p: number): number {
    const nl = t.indexOf('\n', p);
    if (nl < 0) return -1;
    let q = nl - 1;
    while (q > p && (t.charCodeAt(q) === C.CR || t.charCodeAt(q) === C.SP || t.charCodeAt(q) === C.TAB)) q--;
    if (t.charCodeAt(q) === C.RBRACE) return q;
    const e = t.indexOf('\n}', Math.max(nl, this.searchFrom - this.pbase));
    return e < 0 ? -1 : e + 1;
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
