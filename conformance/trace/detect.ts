// Which reader a recording needs, told from the top-level keys of its first value, and readTrace,
// which opens a file as a stream and hands it to that reader.
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { ACCEPTED_KINDS, EVENT_TYPES, TRC, TraceError, newStats, textChunks, type ReadOptions, type TraceEvent, type TraceStats } from './event.ts';
import { readAudit } from './audit.ts';
import { readList } from './list.ts';
import { readWatch } from './watch.ts';

export type TraceFormat = 'watch' | 'audit' | 'list';

/** Keys (and string values) at depth 1 of the first object in text, or of the first element when it is an array. */
function firstKeys(text: string): { keys: Map<string, unknown>; array: boolean } | undefined {
  let i = 0;
  while (i < text.length && /[\s\uFEFF]/.test(text[i]!)) i++;
  const array = text[i] === '[';
  if (array) { i++; while (i < text.length && /\s/.test(text[i]!)) i++; }
  if (text[i] !== '{') return undefined;
  const keys = new Map<string, unknown>();
  let depth = 0, lastStr: string | undefined, key: string | undefined;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) break;
      lastStr = text.slice(i + 1, j);
      if (depth === 1 && key !== undefined) { keys.set(key, lastStr); key = undefined; }
      i = j;
    } else if (c === ':' && depth === 1 && lastStr !== undefined) {
      key = lastStr; keys.set(key, undefined); lastStr = undefined;
    } else if (c === '{' || c === '[') { depth++; key = undefined; }
    else if (c === '}' || c === ']') { if (--depth === 0) break; }
    else if (c === ',') { key = undefined; lastStr = undefined; }
  }
  return { keys, array };
}

/**
 * Tells the format from the start of a recording: a watch event has "type" and "object"; an audit
 * Event has auditID (or verb+stage), an audit EventList says so; anything else with kind/items is
 * a List or a single object (initial state). Only the first value is looked at.
 */
export function detectFormat(firstChunk: string, file = '<input>'): TraceFormat {
  const f = firstKeys(firstChunk);
  const k = f?.keys;
  if (k) {
    if ((k.has('type') && k.has('object')) || EVENT_TYPES.has(String(k.get('type')))) return 'watch';
    if (k.has('auditID') || (k.has('verb') && k.has('stage')) || k.get('kind') === 'EventList'
      || String(k.get('apiVersion') ?? '').startsWith('audit.k8s.io/')) return 'audit';
    if (k.has('items') || k.has('kind') || k.has('metadata')) return 'list';
  }
  throw new TraceError(file, 1, 1, TRC.UNKNOWN_FORMAT,
    'cannot tell the format: expected watch events {"type","object"}, audit.k8s.io Events, or a List');
}

/** Sonobuoy stores items without kind in files named after the kind (Pods.json); nothing else is guessed. */
export function kindFromFileName(path: string): string | undefined {
  const b = basename(path);
  for (const kind of ACCEPTED_KINDS) {
    const plural = kind === 'Endpoints' ? kind : kind.endsWith('s') ? `${kind}es` : `${kind}s`;
    if (b === `${plural}.json`) return kind;
  }
  return undefined;
}

const READERS = { watch: readWatch, audit: readAudit, list: readList } as const;

/** Reads a recording file as a stream, detecting its format unless given. */
export async function* readTrace(path: string, format?: TraceFormat,
  opts: ReadOptions = {}): AsyncGenerator<TraceEvent, TraceStats> {
  const it = textChunks(createReadStream(path, { highWaterMark: 1 << 16 }))[Symbol.asyncIterator]();
  // hold back chunks only until the first value has begun (whitespace-only prefixes are rare)
  const head: string[] = [];
  for (;;) {
    const r = await it.next();
    if (r.done) break;
    head.push(r.value);
    if (/\S/.test(r.value)) break;
  }
  if (!head.some((s) => /\S/.test(s))) return opts.stats ?? newStats(); // empty recording
  const fmt = format ?? detectFormat(head.join(''), path);
  const o: ReadOptions = fmt === 'list' && opts.kind === undefined ? { ...opts, kind: kindFromFileName(path) } : opts;
  async function* rest(): AsyncGenerator<string> {
    yield* head;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  return yield* READERS[fmt](rest(), path, o);
}
