// Bundles the example host's AdminJS screens once into the folder given (ADMIN_JS_TMP_DIR), so
// that every browser suite of one test run serves that bundle instead of making its own: AdminJS
// outside production bundles on the first request of components.bundle.js and serves the file
// from then on. scripts/run-tests.mjs runs this in a fresh folder per run, so the bundle is always
// of the components just built.
const dir = process.argv[2];
if (!dir) throw new Error('usage: prebundle.ts <ADMIN_JS_TMP_DIR>');
process.env.ADMIN_JS_TMP_DIR = dir;
// AdminJS reads ADMIN_JS_TMP_DIR when it is loaded: the host comes after the line above.
const { startTestHost } = await import('./host.js');
const host = await startTestHost();
try {
  const res = await host.request.get('/admin/frontend/assets/components.bundle.js');
  if (res.status !== 200 || !res.text.includes('AdminJS.UserComponents')) {
    throw new Error(`the components bundle failed: HTTP ${res.status} ${res.text.slice(0, 500)}`);
  }
} finally {
  await host.close();
}
