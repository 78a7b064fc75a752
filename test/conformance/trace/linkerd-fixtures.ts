// Test-only adapter: linkerd1's fixtures are JSONL {"fixture": name, "data": value}, where value is a
// watch event, a List, or a bare object (a GET response). That wrapper is not a recording format,
// so it stays out of conformance/. Each fixture becomes one line of a watch stream, so line numbers
// match the fixture file (columns do not: the wrapper is stripped).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export async function* linkerdAsWatch(path: string): AsyncGenerator<string> {
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (line.trim() === '') { yield '\n'; continue; }
    const { data } = JSON.parse(line) as { data: Record<string, unknown> };
    const isEvent = 'type' in data && 'object' in data;
    const isList = Array.isArray(data.items);
    yield JSON.stringify(isEvent || isList ? data : { type: 'ADDED', object: data }) + '\n';
  }
}
