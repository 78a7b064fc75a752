/**
 * Renders any XState machine as a Mermaid stateDiagram-v2, from the machine's own state
 * nodes (machine.root), so the diagrams in reports cannot drift from the machines.
 * Pure: machine in, text out.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';

const nodeId = (n: AnyStateNode) => n.id.replace(/[^A-Za-z0-9_]/g, '_');

function name(x: unknown): string {
  if (typeof x === 'string') return x;
  if (typeof x === 'function') return x.name || 'inline';
  if (x && typeof x === 'object' && 'type' in x) {
    const { type, params } = x as { type: string; params?: unknown };
    const p = params && typeof params === 'object' ? Object.values(params).join(', ') : '';
    return p ? `${type}(${p})` : type;
  }
  return '?';
}

/** `EVENT [guard] / a, b`; an unguarded candidate after guarded ones is the `[else]` branch. */
function label(eventType: string, t: { guard?: unknown; actions: readonly unknown[] }, i: number): string {
  const parts = [eventType === '' ? 'always' : eventType];
  if (t.guard) parts.push(`[${name(t.guard)}]`);
  else if (i > 0) parts.push('[else]');
  if (t.actions.length) parts.push('/ ' + t.actions.map(name).join(', '));
  return parts.join(' ');
}

function render(node: AnyStateNode, indent: string, out: string[]): void {
  const children = Object.values(node.states) as AnyStateNode[];
  if (node.initial?.target.length) {
    for (const t of node.initial.target) out.push(`${indent}[*] --> ${nodeId(t)}`);
  }
  for (const child of children) {
    const id = nodeId(child);
    if (child.type === 'compound' || child.type === 'parallel') {
      out.push(`${indent}state "${child.key}" as ${id} {`);
      render(child, indent + '  ', out);
      out.push(`${indent}}`);
    } else {
      out.push(`${indent}state "${child.key}" as ${id}`);
    }
    for (const a of child.entry) out.push(`${indent}${id} : entry / ${name(a)}`);
    for (const a of child.exit) out.push(`${indent}${id} : exit / ${name(a)}`);
    if (child.type === 'final') out.push(`${indent}${id} --> [*]`);
  }
  for (const child of children) {
    const id = nodeId(child);
    const ts = [...child.transitions.entries(), ...(child.always ? [['', child.always] as const] : [])];
    for (const [eventType, list] of ts) {
      list.forEach((t, i) => {
        // A targetless transition keeps the state: drawn as a self-loop.
        for (const target of t.target ?? [child]) out.push(`${indent}${id} --> ${nodeId(target)} : ${label(eventType, t, i)}`);
      });
    }
  }
}

export function toMermaid(machine: AnyStateMachine): string {
  const out = ['stateDiagram-v2'];
  render(machine.root, '  ', out);
  return out.join('\n') + '\n';
}
