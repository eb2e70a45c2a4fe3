// Builds the publishable package into a fresh folder and swaps it in at the end, so a test
// that imports the package while a build runs never finds dist/ half-deleted.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, renameSync, rmSync } from 'node:fs';

const next = `dist.next-${process.pid}`;
const old = `dist.old-${process.pid}`;
function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    rmSync(next, { recursive: true, force: true });
    process.exit(result.status ?? 1);
  }
}

run(process.execPath, ['scripts/generate.mjs']);
run(process.execPath, ['scripts/write-datamodel.mjs']);
// The PostgreSQL client of the same models (node_modules/.prisma/client-postgresql).
run(process.execPath, ['scripts/generate-postgresql.mjs']);
run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', next]);
// AdminJS bundles the React components from source at the host's start-up, so they ship as
// .tsx beside the compiled JavaScript, with the datamodel @adminjs/prisma needs. The source maps
// carry their sources (inlineSources), so they resolve in the published package too.
cpSync('src/components', `${next}/components`, { recursive: true });
cpSync('src/generated', `${next}/generated`, { recursive: true });
if (existsSync('dist')) renameSync('dist', old);
renameSync(next, 'dist');
rmSync(old, { recursive: true, force: true });
