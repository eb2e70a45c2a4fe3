// @adminjs/prisma needs the full DMMF (isId, isRequired, ...), which the Rust-free Prisma
// client no longer carries (adminjs-prisma #63). We write it from the schema at build time.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import internals from '@prisma/internals';

// The plugin's fragment only: the package ships its own models, never the example host's.
const fragment = path.join('prisma', 'schema', 'api-access.prisma');
const files = [[fragment, readFileSync(fragment, 'utf8')]];
const dmmf = await internals.getDMMF({ datamodel: files });
mkdirSync(path.join('src', 'generated'), { recursive: true });
writeFileSync(path.join('src', 'generated', 'datamodel.json'), `${JSON.stringify(dmmf.datamodel, null, 1)}\n`);
