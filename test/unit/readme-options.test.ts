// README.md's option tables against the zod schemas the options are checked with: every row names
// an option that exists and gives its default as the schema does, and every option has a row.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { apiAccessOptionsSchema } from '../../src/api-access-options.js';
import { policySchema } from '../../src/core/policy.js';
import { startJobsSchema } from '../../src/jobs/options.js';
import { pluginOptionsSchema } from '../../src/plugin/options.js';

interface Row {
  line: number;
  names: string[];
  defaults: string;
}

/** Rows of every table headed `| option | default | meaning |`. */
function optionRows(markdown: string): Row[] {
  const rows: Row[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^\|\s*option\s*\|\s*default\s*\|\s*meaning\s*\|/.test(lines[i]!)) continue;
    for (let j = i + 2; j < lines.length && lines[j]!.startsWith('|'); j++) {
      const [nameCell, defaults] = lines[j]!.replace(/^\|\s*|\s*\|\s*$/g, '').split(/\s+\|\s+/);
      rows.push({ line: j + 1, names: optionNames(nameCell!), defaults: defaults! });
    }
  }
  return rows;
}

/**
 * `a.b` / `c`: a.b and a.c (a name after the first is relative to the first's parent);
 * `startJobs({ intervalMs })`: the option of startJobs().
 */
function optionNames(cell: string): string[] {
  const parts = [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replace(/^(\w+)\(\{\s*(\w+)\s*\}\)$/, '$1.$2'));
  const parent = parts[0]!.includes('.') ? parts[0]!.slice(0, parts[0]!.lastIndexOf('.') + 1) : '';
  return parts.map((part, i) => (i === 0 || part.includes('.') ? part : parent + part));
}

/** Where each option is checked: createApiAccess's options (the policy's own schema under `policy`), the plugin's, startJobs(). */
const roots: Record<string, z.ZodType> = {
  ...apiAccessOptionsSchema.shape,
  policy: policySchema,
  ...pluginOptionsSchema.shape,
  startJobs: startJobsSchema,
};

/** The object inside optional, default and prefault wrappers, if the schema is one. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | null {
  let inner: z.ZodType = schema;
  while (!(inner instanceof z.ZodObject)) {
    const next = (inner as { _zod: { def: { innerType?: z.ZodType } } })._zod.def.innerType;
    if (!next) return null;
    inner = next;
  }
  return inner.shape as Record<string, z.ZodType>;
}

function schemaAt(name: string): z.ZodType | undefined {
  const [first, ...rest] = name.split('.');
  let schema: z.ZodType | undefined = roots[first!];
  for (const key of rest) schema = schema && objectShape(schema)?.[key];
  return schema;
}

/** Every option down to the leaves, as dotted names. */
function leafNames(shape: Record<string, z.ZodType>, prefix = ''): string[] {
  return Object.entries(shape).flatMap(([key, schema]) => {
    const inner = objectShape(schema);
    return inner ? leafNames(inner, `${prefix}${key}.`) : [`${prefix}${key}`];
  });
}

/** What a cell's `value` says: JSON where it parses (numbers, booleans, null, lists), else the text. */
function cellValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const rows = optionRows(readFileSync('README.md', 'utf8'));

describe("README.md's option tables", () => {
  it('are found, with rows', () => {
    assert.ok(rows.length >= 20, `found ${rows.length} rows`);
  });

  it('name only options that exist, with the default the schema gives', () => {
    const wrong: string[] = [];
    for (const row of rows) {
      const values = row.defaults.startsWith('`') ? row.defaults.split(/\s+\/\s+/).map((part) => cellValue(/`([^`]*)`/.exec(part)?.[1] ?? part)) : null;
      row.names.forEach((name, i) => {
        const schema = schemaAt(name);
        if (!schema) {
          wrong.push(`line ${row.line}: ${name} is not an option`);
          return;
        }
        const parsed = schema.safeParse(undefined);
        const given = parsed.success ? parsed.data : undefined;
        if (values) {
          const expected = values.length === row.names.length ? values[i] : values[0];
          if (!parsed.success) wrong.push(`line ${row.line}: ${name} is required, the README gives a default`);
          else if (JSON.stringify(given) !== JSON.stringify(expected))
            wrong.push(`line ${row.line}: ${name} defaults to ${JSON.stringify(given)}, the README says ${JSON.stringify(expected)}`);
        } else if (row.defaults === 'required') {
          if (parsed.success) wrong.push(`line ${row.line}: ${name} is optional, the README says required`);
        } else if (given !== undefined) {
          wrong.push(`line ${row.line}: ${name} defaults to ${JSON.stringify(given)}, the README gives none`);
        }
      });
    }
    assert.deepEqual(wrong, []);
  });

  it('have a row for every option (a row for an object covers its fields)', () => {
    const documented = rows.flatMap((row) => row.names);
    const missing = leafNames(roots).filter((leaf) => !documented.some((name) => leaf === name || leaf.startsWith(`${name}.`)));
    assert.deepEqual(missing, []);
  });

  it('would see a wrong default or a missing row', () => {
    assert.equal(schemaAt('verification.cacheTtlMs')!.safeParse(undefined).data, 10_000);
    assert.equal(schemaAt('verification.noSuchOption'), undefined);
    assert.deepEqual(optionNames('`requestLog.enabled` / `batchSize`'), ['requestLog.enabled', 'requestLog.batchSize']);
    assert.deepEqual(optionNames('`startJobs({ intervalMs })`'), ['startJobs.intervalMs']);
  });
});
