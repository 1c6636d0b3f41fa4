// Validates glTF/GLB files with the Khronos glTF-Validator and prints one report JSON per line.
// Usage: node validate-gltf.mjs <path to the gltf-validator package directory> <file>...
// External resources (.bin, images) are read relative to each file.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const [moduleDir, ...files] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const validator = require(path.resolve(moduleDir));

for (const file of files) {
  const dir = path.dirname(file);
  try {
    const report = await validator.validateBytes(new Uint8Array(fs.readFileSync(file)), {
      uri: path.basename(file),
      maxIssues: 1000,
      externalResourceFunction: (uri) => new Promise((resolve, reject) => {
        let p;
        try { p = path.join(dir, decodeURIComponent(uri)); } catch (e) { p = path.join(dir, uri); }
        fs.readFile(p, (err, data) => err ? reject(err.toString()) : resolve(new Uint8Array(data)));
      }),
    });
    report.file = file;
    process.stdout.write(JSON.stringify(report) + '\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({ file, fatal: String(e) }) + '\n');
  }
}
