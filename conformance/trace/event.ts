// Shared vocabulary of the trace readers: the event type, stable error codes, counters, and the
// per-object ordering check. Readers turn recordings into TraceEvents; judging them is elsewhere.
import { StringDecoder } from 'node:string_decoder';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
export const EVENT_TYPES: ReadonlySet<string> = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

export interface SourcePos { file: string; line: number; column: number; index: number }

export interface TraceEvent {
  type: EventType;
  /** The Kubernetes object; `kind` is always set (inferred from the List kind when items omit it). */
  object: Record<string, unknown>;
  /** Where the event starts: 1-based line/column (UTF-16 units), 0-based index into the decoded text. */
  source: SourcePos;
  /** RFC3339. Audit: stageTimestamp ?? requestReceivedTimestamp ?? timestamp. Watch/List: see watchTime(). */
  time?: string;
  /**
   * How much of the object the recording holds. Absent = the whole object as the API server returned it.
   * 'request': audit level Request — the body the client sent: no server-set fields (clusterIP, uid,
   *   resourceVersion, status, defaulted fields). 'metadata-only': audit level Metadata — identity only
   *   ({kind, metadata:{namespace,name[,uid,resourceVersion]}}); see audit.ts for what that cannot tell.
   */
  detail?: 'full' | 'request' | 'metadata-only';
}

/** Stable codes: tests and the CLI match on them, so never renumber. */
export const TRC = {
  GARBAGE: 'TRC001',        // a character that cannot start or continue a JSON value
  TRUNCATED: 'TRC002',      // EOF inside a value
  BAD_JSON: 'TRC003',       // value is delimited but not valid JSON
  BAD_EVENT: 'TRC004',      // not a {type, object} watch event
  NO_KIND: 'TRC005',        // object without kind and no List kind to infer it from
  RV_BACKWARDS: 'TRC006',   // resourceVersion went down for the same object
  BAD_ITEM: 'TRC007',       // List item that is not an object / value that is not a List
  BAD_AUDIT: 'TRC008',      // not an audit.k8s.io Event
  UNKNOWN_FORMAT: 'TRC009', // detectFormat could not tell
  BARE_OBJECT: 'TRC010',    // watch stream printed without --output-watch-events
} as const;
export type TraceCode = (typeof TRC)[keyof typeof TRC];

export class TraceError extends Error {
  override name = 'TraceError';
  constructor(
    readonly file: string, readonly line: number, readonly column: number,
    readonly code: TraceCode, readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: ${code} ${reason}`);
  }
  static at(pos: SourcePos, code: TraceCode, detail: string): TraceError {
    return new TraceError(pos.file, pos.line, pos.column, code, detail);
  }
}

/** Counters a reader fills in as it goes (pass your own object in ReadOptions to see them). */
export interface TraceStats {
  events: number;
  /** Objects of kinds the model does not cover, by kind (audit: by resource), skipped with a warning. */
  skippedKinds: Record<string, number>;
  /** Audit records that are not object changes, by reason: readOnly, failed, stage, subresource, ... */
  skippedAudit: Record<string, number>;
  /** MODIFIED/DELETED for an object not seen before: normal when the recording started late. */
  unseenObjects: number;
}
export const newStats = (): TraceStats => ({ events: 0, skippedKinds: {}, skippedAudit: {}, unseenObjects: 0 });

export interface ReadOptions {
  stats?: TraceStats;
  onWarning?: (message: string, pos: SourcePos) => void;
  /** Kind for List items that carry none and whose List does not say (sonobuoy's bare arrays). */
  kind?: string;
  /** Check resourceVersion order per object (default true). */
  checkOrder?: boolean;
}

export const ACCEPTED_KINDS: ReadonlySet<string> = new Set([
  'Pod', 'Service', 'Endpoints', 'EndpointSlice', 'Node', 'Namespace',
  'ReplicationController', 'Ingress', 'IngressClass',
]);

/** "PodList" → "Pod"; plain "List" says nothing about its items. */
export function itemKindOf(listKind: unknown): string | undefined {
  return typeof listKind === 'string' && listKind.endsWith('List') && listKind.length > 4
    ? listKind.slice(0, -4) : undefined;
}

export const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function meta(o: Record<string, unknown>): Record<string, unknown> {
  return isObj(o.metadata) ? o.metadata : {};
}

/**
 * Watch events carry no timestamp, so this is the server's last recorded write to the object:
 * newest managedFields[].time; else deletionTimestamp for DELETED; else creationTimestamp for ADDED.
 * A lower bound on when the event happened, second resolution; undefined when nothing fits.
 */
export function watchTime(type: EventType, o: Record<string, unknown>): string | undefined {
  const m = meta(o);
  let best: string | undefined;
  if (Array.isArray(m.managedFields)) {
    for (const f of m.managedFields) {
      const t = isObj(f) ? f.time : undefined;
      if (typeof t === 'string' && (best === undefined || t > best)) best = t;
    }
  }
  if (best) return best;
  if (type === 'DELETED' && typeof m.deletionTimestamp === 'string') return m.deletionTimestamp;
  if (type === 'ADDED' && typeof m.creationTimestamp === 'string') return m.creationTimestamp;
  return undefined;
}

/** resourceVersions are opaque by API convention; compare only when both are decimal (etcd revisions). */
function rvLess(a: string, b: string): boolean {
  if (!isDecimal(a) || !isDecimal(b)) return false;
  return a.length !== b.length ? a.length < b.length : a < b;
}
function isDecimal(s: string): boolean { // a loop: this runs for every event
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); if (c < 48 || c > 57) return false; }
  return true;
}

const TOMBSTONES = 4096;

/**
 * Last resourceVersion per live object, so memory follows live objects, not events. Deleted keys
 * go to a fixed-size tombstone ring, which catches a stale MODIFIED right after a DELETED.
 */
export class OrderTracker {
  private live = new Map<string, string>();
  private dead = new Map<string, string>();

  /** Throws on a backwards resourceVersion; returns false when the object was not seen before. */
  see(type: EventType, o: Record<string, unknown>, pos: SourcePos): boolean {
    const m = meta(o);
    const name = m.name, rv = m.resourceVersion;
    if (typeof name !== 'string') return true;
    const key = `${String(o.kind)}/${typeof m.namespace === 'string' ? m.namespace : ''}/${name}`;
    const prev = this.live.get(key) ?? this.dead.get(key);
    if (typeof rv === 'string' && prev !== undefined && rvLess(rv, prev)) {
      throw TraceError.at(pos, TRC.RV_BACKWARDS,
        `${type} ${key} has resourceVersion ${rv}, older than ${prev} seen before (events out of order)`);
    }
    const seen = this.live.has(key);
    if (type === 'DELETED') {
      this.live.delete(key);
      this.dead.delete(key);
      if (typeof rv === 'string') this.dead.set(key, rv);
      if (this.dead.size > TOMBSTONES) this.dead.delete(this.dead.keys().next().value as string);
    } else if (typeof rv === 'string') {
      this.live.set(key, rv);
      this.dead.delete(key);
    } else if (!seen) {
      this.live.set(key, '');
    }
    return seen || type === 'ADDED';
  }

  get size(): number { return this.live.size; }
}

/** Decodes Buffers across chunk boundaries (UTF-8 sequences may be split); strings pass through. */
export async function* textChunks(input: AsyncIterable<string | Buffer> | string): AsyncGenerator<string> {
  if (typeof input === 'string') { yield input; return; }
  const dec = new StringDecoder('utf8');
  for await (const c of input) {
    const s = typeof c === 'string' ? c : dec.write(c);
    if (s) yield s;
  }
  const rest = dec.end();
  if (rest) yield rest;
}

/** The common tail of every reader: kind filter, order check, counters. */
export class Emitter {
  readonly stats: TraceStats;
  private tracker = new OrderTracker();
  constructor(private opts: ReadOptions = {}) { this.stats = opts.stats ?? newStats(); }

  /** Returns the event, or undefined when its kind is skipped. */
  event(type: EventType, object: Record<string, unknown>, pos: SourcePos,
    time?: string, detail?: TraceEvent['detail']): TraceEvent | undefined {
    const kind = object.kind;
    if (type !== 'ERROR') { // ERROR carries a Status; it is reported whatever it holds
      if (typeof kind !== 'string' || kind === '') throw TraceError.at(pos, TRC.NO_KIND, `${type} object has no kind`);
      if (!ACCEPTED_KINDS.has(kind)) { this.skip(kind, pos); return undefined; }
      if (type !== 'BOOKMARK' && this.opts.checkOrder !== false && !this.tracker.see(type, object, pos)) {
        this.stats.unseenObjects++;
      }
    }
    this.stats.events++;
    const ev: TraceEvent = { type, object, source: pos };
    if (time !== undefined) ev.time = time;
    if (detail !== undefined) ev.detail = detail;
    return ev;
  }

  /** Counts a skipped kind; warns once per kind so a big trace does not flood the output. */
  skip(kind: string, pos: SourcePos): void {
    const n = this.stats.skippedKinds[kind] ?? 0;
    this.stats.skippedKinds[kind] = n + 1;
    if (n === 0) this.opts.onWarning?.(`skipping ${kind} objects: kind not covered by the model`, pos);
  }

  /** Live objects tracked for the order check (what memory grows with). */
  get liveObjects(): number { return this.tracker.size; }
}
