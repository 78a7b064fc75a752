/**
 * Name, label and port-name checks with apimachinery's exact messages.
 * Sources (paraphrased, not copied): KK staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go
 * (IsDNS1123Label, IsDNS1123Subdomain, IsDNS1035Label, IsValidPortName, IsValidPortNum, RegexError),
 * .../pkg/api/validate/content/kube.go (IsLabelKey, IsLabelValue), .../pkg/api/validation/generic.go.
 */
import type { FieldError } from '../field-errors.ts';

/** Go's len(): byte length of the UTF-8 encoding. */
export function byteLen(s: string): number {
  // ASCII (nearly every name) is one byte per UTF-16 unit. Why the fast path: a TextEncoder and
  // its buffer per call were ~3% of `step` in bench/step.bench.ts, which validates every apply.
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return new TextEncoder().encode(s).length;
  return s.length;
}

export const maxLenError = (n: number): string => `must be no more than ${n} characters`;
export const inclusiveRangeError = (lo: number, hi: number): string => `must be between ${lo} and ${hi}, inclusive`;
export const isNegativeErrorMsg = 'must be greater than or equal to 0';
export const fieldImmutableErrorMsg = 'field is immutable';

/** validation.RegexError: `msg (e.g. 'a',  or 'b', regex used for validation is 'fmt')`. */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  const eg = examples.map((e, i) => `${i > 0 ? ' or ' : ''}'${e}', `).join('');
  return `${msg} (e.g. ${eg}regex used for validation is '${fmt}')`;
}

const LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const SUBDOMAIN_FMT = `${LABEL_FMT}(\\.${LABEL_FMT})*`;
const DNS1035_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const LABEL_RE = new RegExp(`^${LABEL_FMT}$`);
const SUBDOMAIN_RE = new RegExp(`^${SUBDOMAIN_FMT}$`);
const DNS1035_RE = new RegExp(`^${DNS1035_FMT}$`);

export function isDNS1123Label(v: string): string[] {
  const errs: string[] = [];
  if (byteLen(v) > 63) errs.push(maxLenError(63));
  if (!LABEL_RE.test(v)) {
    // A valid subdomain that is not a label can only be failing because of its dots.
    errs.push(SUBDOMAIN_RE.test(v) ? 'must not contain dots' : regexError(
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
      LABEL_FMT, 'my-name', '123-abc'));
  }
  return errs;
}

export function isDNS1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (byteLen(v) > 253) errs.push(maxLenError(253));
  if (!SUBDOMAIN_RE.test(v)) {
    errs.push(regexError(
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
      SUBDOMAIN_FMT, 'example.com'));
  }
  return errs;
}

export function isDNS1035Label(v: string): string[] {
  const errs: string[] = [];
  if (byteLen(v) > 63) errs.push(maxLenError(63));
  if (!DNS1035_RE.test(v)) {
    errs.push(regexError(
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
      DNS1035_FMT, 'my-name', 'abc-123'));
  }
  return errs;
}

const KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const KEY_RE = new RegExp(`^${KEY_FMT}$`);
const KEY_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const VALUE_FMT = `(${KEY_FMT})?`;
const VALUE_RE = new RegExp(`^${VALUE_FMT}$`);

/** content.IsLabelKey (a.k.a. IsQualifiedName): optional DNS-subdomain prefix, then a 63-char name. */
export function isQualifiedName(v: string): string[] {
  const errs: string[] = [];
  const parts = v.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [`a valid label key ${regexError(KEY_MSG, KEY_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (byteLen(name) > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!KEY_RE.test(name)) errs.push(`name part ${regexError(KEY_MSG, KEY_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

export function isValidLabelValue(v: string): string[] {
  const errs: string[] = [];
  if (byteLen(v) > 63) errs.push(maxLenError(63));
  if (!VALUE_RE.test(v)) {
    errs.push(regexError(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
      VALUE_FMT, 'MyValue', 'my_value', '12345'));
  }
  return errs;
}

/** IANA_SVC_NAME (RFC 6335), lower case only; every failed rule yields its own message. */
export function isValidPortName(v: string): string[] {
  const errs: string[] = [];
  if (byteLen(v) > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(v)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(v)) errs.push('must contain at least one letter (a-z)');
  if (v.includes('--')) errs.push('must not contain consecutive hyphens');
  if (v.length > 0 && (v.startsWith('-') || v.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

export function isValidPortNum(n: unknown): string[] {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

/** One Invalid error per message, the Go `for _, msg := range ...` idiom. */
export function invalidEach(field: string, value: unknown, msgs: string[]): FieldError[] {
  return msgs.map((detail) => ({ type: 'Invalid', field, value, detail }));
}

/**
 * A bad value that Go prints with %#v (structs, maps, nil slices). formatValue() renders any
 * non-object with String(), so a function whose toString() is the Go text prints verbatim.
 */
export function goSyntax(text: string): unknown {
  const v = (): string => text;
  v.toString = (): string => text;
  return v;
}

/** %#v of a map[string]string: keys sorted, as Go's fmt prints maps. */
export function goStringMap(m: Record<string, string> | undefined | null): unknown {
  if (!m) return goSyntax('map[string]string(nil)');
  const body = Object.keys(m).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`).join(', ');
  return goSyntax(`map[string]string{${body}}`);
}

/** %#v of a []string, including Go's distinct nil form. */
export function goStringSlice(xs: string[] | undefined): unknown {
  return xs && xs.length > 0 ? xs : goSyntax('[]string(nil)');
}

// ---- IP addresses: KK staging/src/k8s.io/apimachinery/pkg/util/validation/ip.go (IsValidIP, IsValidCIDR)
// and pkg/apis/core/validation/validation.go (ValidateNonSpecialIP). Parsing follows Go's net.ParseIP
// in its "sloppy" form (k8s.io/utils/net.ParseIPSloppy): IPv4 octets may carry leading zeros.

function parseIPv4(s: string): number[] | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^[0-9]+$/.test(p)) return null;
    const n = Number.parseInt(p, 10);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

function parseIPv6(s: string): number[] | null {
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const fields = part.split(':');
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      if (i === fields.length - 1 && f.includes('.')) {
        const v4 = parseIPv4(f);
        if (!v4) return null;
        out.push(v4[0], v4[1], v4[2], v4[3]);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(f)) return null;
        const n = Number.parseInt(f, 16);
        out.push(n >> 8, n & 0xff);
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return null;
  if (halves.length === 1) return head.length === 16 ? head : null;
  if (head.length + tail.length > 14) return null; // '::' stands for at least one group
  return [...head, ...new Array(16 - head.length - tail.length).fill(0), ...tail];
}

/** The 16-byte form (IPv4 as ::ffff:a.b.c.d), or null when Go would not parse it. */
export function parseIP(s: unknown): number[] | null {
  if (typeof s !== 'string' || s === '') return null;
  if (s.includes(':')) return parseIPv6(s);
  const v4 = parseIPv4(s);
  return v4 ? [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4] : null;
}

/** The IPv4 bytes of an IPv4 or IPv4-mapped address (Go's To4). */
export function to4(ip: number[]): number[] | null {
  const mapped = ip.slice(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff;
  return mapped ? ip.slice(12) : null;
}

export function isIPv6String(s: string): boolean {
  const ip = parseIP(s);
  return ip !== null && to4(ip) === null;
}

export function validateIP(field: string, value: unknown): FieldError[] {
  return parseIP(value) ? [] : [{ type: 'Invalid', field, value, detail: 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)' }];
}

/** Unspecified, loopback and link-local addresses make no sense as endpoints or external IPs. */
export function validateNonSpecialIP(field: string, value: string): FieldError[] {
  const ip = parseIP(value);
  if (!ip) return [{ type: 'Invalid', field, value, detail: 'must be a valid IP address' }];
  const v4 = to4(ip);
  const errs: FieldError[] = [];
  const add = (detail: string): void => { errs.push({ type: 'Invalid', field, value, detail }); };
  const unspecified = v4 ? v4.every((b) => b === 0) : ip.every((b) => b === 0);
  const loopback = v4 ? v4[0] === 127 : ip.slice(0, 15).every((b) => b === 0) && ip[15] === 1;
  const linkLocal = v4 ? v4[0] === 169 && v4[1] === 254 : ip[0] === 0xfe && (ip[1] & 0xc0) === 0x80;
  const llMulticast = v4 ? v4[0] === 224 && v4[1] === 0 && v4[2] === 0 : ip[0] === 0xff && (ip[1] & 0x0f) === 0x02;
  if (unspecified) add(`may not be unspecified (${value})`);
  if (loopback) add('may not be in the loopback range (127.0.0.0/8, ::1/128)');
  if (linkLocal) add('may not be in the link-local range (169.254.0.0/16, fe80::/10)');
  if (llMulticast) add('may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)');
  return errs;
}

export function validateCIDR(field: string, value: string): FieldError[] {
  const m = /^([^/]+)\/([0-9]+)$/.exec(value);
  const ip = m ? parseIP(m[1]) : null;
  const max = ip && m && !m[1].includes(':') ? 32 : 128;
  const ok = ip !== null && m !== null && Number.parseInt(m[2], 10) <= max;
  return ok ? [] : [{ type: 'Invalid', field, value, detail: 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)' }];
}
