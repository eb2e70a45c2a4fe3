// AdminJS bundles the plugin's React components from source at the host's start-up, so the
// published package ships the .tsx files beside the compiled JavaScript, and the datamodel
// that @adminjs/prisma needs.
import { cpSync, existsSync } from 'node:fs';

if (existsSync('src/components')) {
  cpSync('src/components', 'dist/components', { recursive: true, filter: (f) => !f.endsWith('.test.tsx') });
}
cpSync('src/generated', 'dist/generated', { recursive: true });
