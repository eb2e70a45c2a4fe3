import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Every .ts/.tsx file under src/, relative to it, with the src files it imports (type imports included). */
function importGraph(root: string): Map<string, string[]> {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) files.push(path.relative(root, full));
    }
  };
  walk(root);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(path.join(root, file), 'utf8');
    const targets: string[] = [];
    for (const match of text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'(\.[^']+)'/gms)) {
      const spec = match[1]!;
      const base = path.normalize(path.join(path.dirname(file), spec)).replace(/\.js$/, '');
      const target = [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')].find((candidate) => known.has(candidate));
      if (target) targets.push(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Each cycle once, as the path that closes it (a → b → a). */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return found;
}

/** The folder graph: src/x/… imports src/y/… gives x → y; files directly in src/ are the top and left out. */
function folderGraph(graph: Map<string, string[]>): Map<string, string[]> {
  const folderOf = (file: string) => (file.includes(path.sep) ? file.split(path.sep)[0]! : null);
  const folders = new Map<string, Set<string>>();
  for (const [file, targets] of graph) {
    const from = folderOf(file);
    if (from === null) continue;
    const edges = folders.get(from) ?? new Set<string>();
    folders.set(from, edges);
    for (const target of targets) {
      const to = folderOf(target);
      if (to !== null && to !== from) edges.add(to);
    }
  }
  return new Map([...folders].map(([folder, edges]) => [folder, [...edges]]));
}

const graph = importGraph(path.resolve('src'));

describe('import graph of src/', () => {
  it('reads the imports it checks', () => {
    assert.ok(graph.get(path.normalize('core/token-service.ts'))!.includes(path.normalize('core/tokens/create.ts')));
    assert.deepEqual(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', ['a']],
        ]),
      ),
      [['a', 'b', 'a']],
    );
  });

  it('has no cycle between files', () => {
    assert.deepEqual(
      cycles(graph).map((cycle) => cycle.join(' → ')),
      [],
    );
  });

  it('has no cycle between folders', () => {
    assert.deepEqual(
      cycles(folderGraph(graph)).map((cycle) => cycle.join(' → ')),
      [],
    );
  });

  it('keeps core free of frameworks and databases: it imports only core, zod, ipaddr.js and node:', () => {
    const outside: string[] = [];
    for (const file of graph.keys()) {
      if (!file.startsWith(`core${path.sep}`)) continue;
      const text = readFileSync(path.join('src', file), 'utf8');
      for (const match of text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gms)) {
        const spec = match[1]!;
        const inCore = spec.startsWith('.') && path.normalize(path.join(path.dirname(file), spec)).startsWith(`core${path.sep}`);
        if (!inCore && !['zod', 'ipaddr.js'].includes(spec) && !spec.startsWith('node:')) outside.push(`${file} imports ${spec}`);
      }
    }
    assert.deepEqual(outside, []);
  });
});
