#!/usr/bin/env node
// Compiles apps/, libs/, tools/ and bench/ to dist/ with swc (about a second on 2 cores; the type
// check runs separately as `npm run typecheck`). Path aliases (@carts/*) are rewritten to relative
// imports, so `node dist/apps/<app>/src/main.js` runs with no loader.
// Why not `nest build`: it builds one app per call, not tools/ or bench/, and rewrites dist/ whole;
// this builds everything in one pass and replaces files atomically, so the tests' processes can
// start from dist/ while a build runs. nest-cli.json stays for the Nest CLI's generators.
const fs = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');
const { root, jsc } = require('./swc-options');

const out = path.join(root, 'dist');

function* sources(dir) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(full);
    else if (entry.name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec|cluster-spec)\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield full;
  }
}

function* allFiles(dir) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* allFiles(full);
    else yield full;
  }
}

function writeAtomically(file, content) {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === content) return;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

async function build() {
  const started = Date.now();
  // No wipe of dist/: processes may be starting from it right now (tests run in parallel). Each file
  // is replaced atomically instead; `npm run clean` removes leftovers of deleted sources.
  const files = ['apps', 'libs', 'tools', 'bench'].flatMap((d) => [...sources(path.join(root, d))]);
  await Promise.all(files.map(async (file) => {
    const { code, map } = await swc.transformFile(file, {
      swcrc: false,
      sourceMaps: true,
      jsc,
      module: { type: 'commonjs' },
    });
    const target = path.join(out, path.relative(root, file)).replace(/\.ts$/, '.js');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    writeAtomically(`${target}.map`, map);
    writeAtomically(target, `${code}\n//# sourceMappingURL=${path.basename(target)}.map`);
  }));
  // Static files an app serves (the console's page): copied beside its compiled code, as they are.
  const assets = fs.readdirSync(path.join(root, 'apps')).flatMap((app) => [...allFiles(path.join(root, 'apps', app, 'public'))]);
  for (const file of assets) {
    const target = path.join(out, path.relative(root, file));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    writeAtomically(target, fs.readFileSync(file, 'utf8'));
  }
  console.log(`built ${files.length} files and copied ${assets.length} assets into dist/ in ${Date.now() - started} ms`);
}

build().catch((error) => {
  console.error(error);
  process.exit(1);
});
