import { loadSpec } from './properties/spec/load.ts';
import { InputError, formatDiagnostic } from './properties/load/diagnostics.ts';
try { const s = loadSpec(); console.log(s.invariants.length, s.invariants.filter(i => i.holds.mode !== 'compiled' || (i.when && i.when.mode !== 'compiled')).map(i => i.id + ' ' + (i.holds.fallback?.reason ?? i.when?.fallback?.reason))); }
catch (e) { if (e instanceof InputError) console.log(e.diagnostics.map(formatDiagnostic).join('\n')); else throw e; }
