import { loadSpec } from './properties/spec/load.ts';
const s = loadSpec(); for (const i of s.invariants) console.log(i.id, JSON.stringify([...(i.when?.reads ?? []), ...i.holds.reads]));
