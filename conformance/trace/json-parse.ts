// JSON.parse that reports where a value is broken as file:line:col. Node 20's JSON.parse messages
// carry no offset, so on failure a small validator finds it (slow path only).
import { TRC, TraceError, type SourcePos } from './event.ts';

/** JSON.parse with a file:line:col TRC003 error. */
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
