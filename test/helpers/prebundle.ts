// Bundles the example host's AdminJS screens once into the folder given (ADMIN_JS_TMP_DIR), so
// that every browser suite of one test run serves that bundle instead of making its own.
// scripts/run-tests.mjs runs this in a fresh folder per run, so the bundle is always of the
// components just built, and runs it, and the browser suites, with NODE_ENV=production and
// ADMIN_JS_SKIP_BUNDLE=true: AdminJS then serves its minified production bundles and this file
// as a static asset, as it does on a production host.
import { existsSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
if (!dir) throw new Error('usage: prebundle.ts <ADMIN_JS_TMP_DIR>');
process.env.ADMIN_JS_TMP_DIR = dir;
// AdminJS reads ADMIN_JS_TMP_DIR when it is loaded: the host comes after the line above.
const { startTestHost } = await import('./host.js');
const host = await startTestHost({ seed: false });
try {
  if (process.env.NODE_ENV === 'production') {
    // The router's own initialize() skipped the bundle (ADMIN_JS_SKIP_BUNDLE); make it here, awaited.
    const skip = process.env.ADMIN_JS_SKIP_BUNDLE;
    delete process.env.ADMIN_JS_SKIP_BUNDLE;
    await host.host.admin.initialize();
    if (skip !== undefined) process.env.ADMIN_JS_SKIP_BUNDLE = skip;
    if (!existsSync(path.join(dir, 'bundle.js'))) throw new Error(`AdminJS wrote no bundle into ${dir}`);
  }
  const res = await host.request.get('/admin/frontend/assets/components.bundle.js');
  if (res.status !== 200 || !String(res.text ?? '').includes('ApiAccessCreateToken')) {
    throw new Error(`the components bundle failed: HTTP ${res.status} ${String(res.text).slice(0, 500)}`);
  }
} finally {
  await host.close();
}
