/**
 * YAML read with positions: every loader reports `file:line:col` of the exact node at fault,
 * so a document is kept beside its plain JSON value and paths are mapped back to nodes.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node } from 'yaml';
import { type Diagnostic, InputError } from './diagnostics.ts';

export type Path = readonly (string | number)[];

export interface SourceDoc {
  readonly file: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  readonly value: unknown;
}

export interface Position {
  readonly line: number;
  readonly col: number;
}

/**
 * Where a syntax error is best shown. The parser reports an unclosed quote at the end of the
 * text and a badly indented line at its first column; the opening quote and the first
 * character of the line are what the reader has to fix.
 */
function errorOffset(doc: Document.Parsed, text: string, code: string, message: string, offset: number): number {
  if (code === 'MISSING_CHAR' && message.includes('quote')) {
    let start: number | undefined;
    visit(doc, {
      Scalar(_key, node) {
        const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
        if (quoted && node.range && node.range[0] < offset && offset <= node.range[2]) start = node.range[0];
      },
    });
    if (start !== undefined) return start;
  }
  if (code === 'BAD_INDENT') {
    let at = offset;
    while (text[at] === ' ') at++;
    if (at < text.length && text[at] !== '\n' && text[at] !== '\r') return at;
  }
  return offset;
}

/** Parses every document of a YAML text; syntax errors become SVC001 diagnostics. */
export function parseYamlDocuments(file: string, text: string): SourceDoc[] {
  const lines = new LineCounter();
  // logLevel error: the parser's warnings (e.g. collection keys stringified) would go to stderr.
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  const list = Array.isArray(docs) ? docs : [docs];
  const diagnostics: Diagnostic[] = [];
  for (const doc of list) {
    for (const err of doc.errors) {
      const pos = lines.linePos(errorOffset(doc, text, err.code, err.message, err.pos[0]));
      const message = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      diagnostics.push({ file, line: pos.line, col: pos.col, code: 'SVC001', message });
    }
  }
  if (diagnostics.length) throw new InputError(diagnostics);
  return list.map((doc) => {
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      // An alias expanding too often (a "billion laughs" document) is refused here.
      const pos = lines.linePos(doc.contents?.range?.[0] ?? 0);
      throw new InputError([{ file, line: pos.line, col: pos.col, code: 'SVC001', message: e instanceof Error ? e.message : String(e) }]);
    }
    return { file, text, doc, lines, value };
  });
}

export function parseYaml(file: string, text: string): SourceDoc {
  const docs = parseYamlDocuments(file, text).filter((d) => d.doc.contents !== null);
  if (docs.length !== 1) {
    // Shown where the second document starts, or at the top of an empty file.
    const pos = docs.length > 1 ? docs[1].lines.linePos(docs[1].doc.contents?.range?.[0] ?? 0) : { line: 1, col: 1 };
    throw new InputError([{ file, ...pos, code: 'SVC001', message: `expected one YAML document, found ${docs.length}` }]);
  }
  return docs[0];
}

function childOf(node: Node | null | undefined, key: string | number, wantKey: boolean): Node | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const k = isScalar(pair.key) ? pair.key.value : pair.key;
      if (String(k) === String(key)) return (wantKey ? pair.key : (pair.value ?? pair.key)) as Node;
    }
  } else if (isSeq(node) && typeof key === 'number') {
    return node.items[key] as Node | undefined;
  } else if (isPair(node)) {
    return childOf(node.value as Node, key, wantKey);
  }
  return undefined;
}

/** The position of the node at `path` (of its key when `atKey`), or of its nearest existing ancestor. */
export function positionOf(src: SourceDoc, path: Path, atKey = false): Position {
  let node: Node | null | undefined = src.doc.contents as Node | null;
  let found = node;
  for (let i = 0; i < path.length; i++) {
    node = childOf(node, path[i], atKey && i === path.length - 1);
    if (!node) break;
    found = node;
  }
  const offset = found?.range?.[0] ?? 0;
  return src.lines.linePos(offset);
}

/** The node at `path`, for callers that need its text range (CEL expressions inside YAML scalars). */
export function nodeAt(src: SourceDoc, path: Path): Node | undefined {
  let node: Node | null | undefined = src.doc.contents as Node | null;
  for (const key of path) {
    node = childOf(node, key, false);
    if (!node) return undefined;
  }
  return node ?? undefined;
}

/**
 * Where offset `offset` of a scalar's value falls in the file. YAML folds multi-line scalars
 * (`>` blocks and multi-line plain or quoted scalars turn line breaks into spaces) and strips
 * indentation, so the value's own line structure says nothing about the source's: each source
 * line's text is found in the value in order instead, and the offset is placed on the line whose
 * text contains it. Escapes in quoted scalars can hide a line; the single-line rule then applies.
 */
export function positionInScalar(src: SourceDoc, path: Path, offset: number): Position {
  const node = nodeAt(src, path);
  if (!node || !isScalar(node) || !node.range) return positionOf(src, path);
  const start = src.lines.linePos(node.range[0]);
  const value = String(node.value);
  const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
  const quote = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
  const raw = src.text.slice(node.range[0], node.range[1]);
  // A block scalar's text starts on the line after its indicator; a quoted one after its quote.
  let at = block ? raw.indexOf('\n') + 1 : quote;
  let cursor = 0;
  const lines = raw.slice(at).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const indent = /^[ \t]*/.exec(line)![0].length;
    let text = line.slice(indent).replace(/[ \t\r]+$/, '');
    if (quote && i === lines.length - 1) text = text.replace(/["']$/, '');
    const found = text ? value.indexOf(text, cursor) : -1;
    if (found >= 0) {
      if (offset >= found && offset <= found + text.length) return src.lines.linePos(node.range[0] + at + indent + (offset - found));
      cursor = found + text.length;
    }
    at += line.length + 1;
  }
  return { line: start.line, col: start.col + quote + offset };
}

/**
 * A cluster ConfigError names its field (`cluster.serviceCIDR: invalid CIDR …`): it is shown at
 * that field's key when the file has it, else at the cluster mapping.
 */
export function configErrorPath(clusterPath: Path, message: string): { path: Path; atKey: boolean } {
  const field = /^cluster\.([A-Za-z]+)\b/.exec(message)?.[1];
  return field ? { path: [...clusterPath, field], atKey: true } : { path: clusterPath, atKey: false };
}
