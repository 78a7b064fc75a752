// Builds the real control plane's adapter (adapters/kube/bin/kube-adapter) where Go is installed.
// `npm run build:kube` and `npm test` (pretest) run it: the first build compiles kube-apiserver,
// etcd and the controllers (about 15 CPU-minutes; docs/fidelity.md), later ones reuse Go's build
// cache and take seconds. Without Go it says so and exits 0: the test that needs the adapter then
// reports that it did not run. A failed build fails.
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function goVersion() {
  try {
    return execFileSync('go', ['version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

const version = goVersion();
if (!version) {
  console.warn('adapters/kube: NOT BUILT — no `go` on PATH (Go is a prerequisite of the real control plane only); its test will say it did not run.');
  process.exit(0);
}
const started = Date.now();
const r = spawnSync('go', ['build', '-o', 'bin/kube-adapter', '.'], { cwd: here, stdio: 'inherit', env: { ...process.env, CGO_ENABLED: '0' } });
if (r.status !== 0) {
  console.error(`adapters/kube: the build failed (${version}).`);
  process.exit(r.status ?? 1);
}
console.log(`adapters/kube: bin/kube-adapter built with ${version} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
