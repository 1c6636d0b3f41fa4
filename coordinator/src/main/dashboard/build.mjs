// Builds the dashboard into the coordinator's classpath: our own files as they are, and the parts
// of three.js the 3D preview needs, copied from node_modules (npm ci ran first). The bare 'three'
// imports of three's add-ons are rewritten to relative paths, so the page needs no import map
// (and no inline script under its Content-Security-Policy). Every relative import of a copied file
// must be copied too: a missing one fails the build, not the browser.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, posix } from 'node:path';

const here = dirname(new URL(import.meta.url).pathname);
const out = resolve(process.argv[2] ?? join(here, '..', '..', '..', 'target', 'classes', 'dashboard'));
const three = join(here, 'node_modules', 'three');
if (!existsSync(three)) {
  console.error('build.mjs: node_modules/three is missing: run npm ci in ' + here);
  process.exit(1);
}

const own = ['index.html', 'app.js', 'api.js', 'charts.js', 'viewer.js', 'style.css'];
const vendor = [
  'build/three.module.js',
  'build/three.core.js',
  'examples/jsm/loaders/GLTFLoader.js',
  'examples/jsm/loaders/KTX2Loader.js',
  'examples/jsm/controls/OrbitControls.js',
  'examples/jsm/utils/BufferGeometryUtils.js',
  'examples/jsm/utils/SkeletonUtils.js',
  'examples/jsm/utils/WorkerPool.js',
  'examples/jsm/math/ColorSpaces.js',
  'examples/jsm/libs/meshopt_decoder.module.js',
  'examples/jsm/libs/ktx-parse.module.js',
  'examples/jsm/libs/zstddec.module.js',
  'examples/jsm/libs/basis/basis_transcoder.js',
  'examples/jsm/libs/basis/basis_transcoder.wasm',
  'LICENSE',
];

function write(target, data) {
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, data);
}

for (const f of own) {
  copyFileSync(join(here, f), (mkdirSync(out, { recursive: true }), join(out, f)));
}
const copied = new Set(vendor);
const missing = [];
for (const f of vendor) {
  const src = join(three, f);
  const dst = join(out, 'vendor', 'three', f);
  if (!f.endsWith('.js')) {
    mkdirSync(dirname(dst), { recursive: true });
    copyFileSync(src, dst);
    continue;
  }
  let text = readFileSync(src, 'utf8');
  const toCore = posix.relative(posix.dirname(f), 'build/three.module.js');
  text = text.replace(/from\s+'three'/g, `from '${toCore.startsWith('.') ? toCore : './' + toCore}'`);
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
    const dep = posix.normalize(posix.join(posix.dirname(f), m[1]));
    if (!copied.has(dep)) missing.push(`${f} imports ${dep}`);
  }
  write(dst, text);
}
if (missing.length) {
  console.error('build.mjs: imports not copied:\n  ' + missing.join('\n  '));
  process.exit(1);
}
const version = JSON.parse(readFileSync(join(three, 'package.json'), 'utf8')).version;
write(join(out, 'vendor', 'VERSIONS.txt'), `three ${version} (MIT, see three/LICENSE)\n`);
console.log(`dashboard: ${own.length} files and three ${version} (${vendor.length} files) in ${relative(process.cwd(), out)}`);
