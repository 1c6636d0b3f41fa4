// Checks Kubernetes manifests against the Kubernetes API's schemas (the npm package
// kubernetes-models, whose validators are generated from the API's OpenAPI document): kinds and
// versions that exist, types, required members, enums and formats (not unknown members: the
// schemas leave those open; DeployManifestsTest checks our own flags and variables by name).
// Usage: node validate.mjs <node_modules holding kubernetes-models and yaml> <manifest.yaml>...;
// prints every problem, exits 1 when there was one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [modules, ...files] = process.argv.slice(2);
const { parseAllDocuments } = await import(pathToFileURL(join(modules, 'yaml', 'dist', 'index.js')).href);
let problems = 0;
let checked = 0;
for (const file of files) {
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    if (doc.errors.length) {
      console.error(`${file}: YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
      problems++;
      continue;
    }
    const obj = doc.toJS();
    if (!obj) continue;
    const where = `${file}: ${obj.kind} ${obj.metadata?.name}`;
    let Model;
    try {
      const mod = await import(pathToFileURL(join(modules, 'kubernetes-models', obj.apiVersion, `${obj.kind}.js`)).href);
      Model = mod[obj.kind];
    } catch (e) {
      console.error(`${where}: unknown apiVersion/kind ${obj.apiVersion}/${obj.kind}`);
      problems++;
      continue;
    }
    try {
      new Model(obj).validate();
      checked++;
      console.log(`ok ${where}`);
    } catch (e) {
      console.error(`${where}: ${e.message}`);
      problems++;
    }
  }
}
console.log(`${checked} object(s) valid, ${problems} problem(s)`);
process.exit(problems ? 1 : 0);
