// @adminjs/prisma needs the full DMMF (isId, isRequired, ...), which the Rust-free Prisma
// client no longer carries (adminjs-prisma #63). We write it from the schema at build time.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import internals from '@prisma/internals';

const schemaDir = path.join('prisma', 'schema');
const files = readdirSync(schemaDir)
  .filter((f) => f.endsWith('.prisma'))
  .sort()
  .map((f) => [path.join(schemaDir, f), readFileSync(path.join(schemaDir, f), 'utf8')]);
const dmmf = await internals.getDMMF({ datamodel: files });
mkdirSync(path.join('src', 'generated'), { recursive: true });
writeFileSync(path.join('src', 'generated', 'datamodel.json'), JSON.stringify(dmmf.datamodel, null, 1) + '\n');
