// Builds the web app: esbuild bundles and minifies web/src/main.jsx (Preact, JSX) and its CSS into
// content-hashed files (assets/app-HASH.js, assets/app-HASH.css), writes an index.html that references
// them (no inline script or style: the server's CSP is default-src 'self'), and a gzip -9 copy of each.
//
//   node web/build.mjs [--dist DIR]                      build into DIR (default: build/web)
//   node web/build.mjs --dist DIR --embed EMBED --out web_assets.c --depfile web_assets.d
//                                                        … then run tools/embed.c over the files (meson)
//
// Prints the first load's compressed size (index.html + js + css, gzip) and writes it to DIR/sizes.json.
// The depfile lists every source esbuild read, so ninja rebuilds when any of them changes.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, '..');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const dist = path.resolve(arg('--dist', path.join(root, 'build/web')));
const embed = arg('--embed', null);
const out = arg('--out', null);
const depfile = arg('--depfile', null);

rmSync(dist, { recursive: true, force: true });
mkdirSync(path.join(dist, 'assets'), { recursive: true });

const result = await build({
  entryPoints: { app: path.join(here, 'src/main.jsx') },
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2019',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: path.join(dist, 'assets'),
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: root,
});

const outputs = Object.keys(result.metafile.outputs).map((p) => path.resolve(root, p));
const js = outputs.find((p) => p.endsWith('.js'));
const css = outputs.find((p) => p.endsWith('.css'));
if (!js || !css) throw new Error('esbuild gave no app js or css');
const url = (p) => '/assets/' + path.basename(p);

const html = `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>Tiếng mõ</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${url(css)}">
<script defer src="${url(js)}"></script>
</head>
<body>
<div id="app"></div>
<noscript>Tiếng mõ cần JavaScript để chạy. / Tiếng mõ needs JavaScript.</noscript>
</body>
</html>
`;
writeFileSync(path.join(dist, 'index.html'), html);

// Every file, with its gzip -9 copy beside it.
function walk(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
const files = walk(dist).filter((p) => !p.endsWith('.gz') && !p.endsWith('.json'));
const sizes = {};
for (const f of files) {
  const gz = gzipSync(readFileSync(f), { level: constants.Z_BEST_COMPRESSION });
  writeFileSync(f + '.gz', gz);
  sizes[path.relative(dist, f)] = { bytes: statSync(f).size, gzip: gz.length };
}
const firstLoad = ['index.html', path.relative(dist, js), path.relative(dist, css)]
  .reduce((n, f) => n + sizes[f].gzip, 0);
writeFileSync(path.join(dist, 'sizes.json'), JSON.stringify({ first_load_gzip: firstLoad, files: sizes }, null, 2) + '\n');
console.log(`web: first load ${firstLoad} bytes gzip (${(firstLoad / 1024).toFixed(1)} KiB) in ${dist}`);

if (embed && out) {
  const names = walk(dist).filter((p) => !p.endsWith('sizes.json')).sort();
  execFileSync(embed, [out, 'embed_web', ...names.map((p) => `${path.relative(dist, p)}=${p}`)], { stdio: 'inherit' });
}
if (depfile && out) {
  const inputs = Object.keys(result.metafile.inputs).map((p) => path.resolve(root, p));
  inputs.push(path.join(here, 'build.mjs'));
  const esc = (p) => p.replace(/ /g, '\\ ');
  writeFileSync(depfile, `${esc(out)}: ${inputs.map(esc).join(' \\\n  ')}\n`);
}
