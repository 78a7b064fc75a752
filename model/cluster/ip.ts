/** IPv4 addresses as unsigned 32-bit integers, and CIDR ranges (the model's clusters are IPv4). */

export interface Cidr {
  readonly text: string;
  readonly base: number;
  readonly prefix: number;
  /** Number of addresses in the range. */
  readonly size: number;
}

export function parseIPv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  if (m.slice(1).some((p) => p.length > 1 && p.startsWith('0'))) return undefined;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export function formatIPv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function parseCidr(text: string): Cidr | undefined {
  const [addr, bits] = text.split('/');
  const base = parseIPv4(addr ?? '');
  const prefix = Number(bits);
  if (base === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return { text, base: (base & mask) >>> 0, prefix, size };
}

export function inCidr(ip: string, cidr: Cidr): boolean {
  const n = parseIPv4(ip);
  return n !== undefined && n >= cidr.base && n < cidr.base + cidr.size;
}

/** The n-th address of a range (0 is the network address). */
export function nthAddress(cidr: Cidr, n: number): string {
  return formatIPv4((cidr.base + n) >>> 0);
}

/** Offset of an address inside a range, or -1 when outside. */
export function offsetIn(ip: string, cidr: Cidr): number {
  const n = parseIPv4(ip);
  if (n === undefined || n < cidr.base || n >= cidr.base + cidr.size) return -1;
  return n - cidr.base;
}
