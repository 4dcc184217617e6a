// Builds the web app: esbuild bundles and minifies web/src/main.jsx (Preact, JSX) and its CSS into
// content-hashed files (assets/app-HASH.js, assets/app-HASH.css, and the chunks the entry imports on
// demand: assets/chunk-HASH.js), writes an index.html that references the entry (no inline script or
// style: the server's CSP is default-src 'self'), and a gzip -9 copy of each. The officers' app is a
// chunk of its own (components/OfficerApp.jsx, imported on demand), so that a citizen's first visit to a
// public page loads only the public pages.
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
  format: 'esm',
  splitting: true,
  target: 'es2019',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: path.join(dist, 'assets'),
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: root,
});

const outs = Object.entries(result.metafile.outputs);
const entryOut = outs.find(([, o]) => o.entryPoint === 'web/src/main.jsx');
if (!entryOut || !entryOut[1].cssBundle) throw new Error('esbuild gave no app js or css');
const js = path.resolve(root, entryOut[0]);
// esbuild gives the entry's CSS and a CSS file for the on-demand chunk's own imports, and loads neither
// by itself: index.html links them all (the second is small), so no page ever shows unstyled.
const css = path.resolve(root, entryOut[1].cssBundle);
const moreCss = outs.map(([p]) => path.resolve(root, p)).filter((p) => p.endsWith('.css') && p !== css);
// what the entry loads before it runs (static imports of shared chunks): part of every first load
const staticImports = (out) => out.imports.filter((i) => i.kind === 'import-statement').map((i) => path.resolve(root, i.path));
const entryImports = staticImports(entryOut[1]);
// the officers' app: its chunk and the chunks it imports, loaded after the entry on any officer page
const officerOut = outs.find(([, o]) => o.entryPoint === 'web/src/components/OfficerApp.jsx');
if (!officerOut) throw new Error('esbuild gave no chunk for the officers\' app');
const officerFiles = [path.resolve(root, officerOut[0]), ...staticImports(officerOut[1])];
const url = (p) => '/assets/' + path.basename(p);

const html = `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>Tiếng mõ</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${url(css)}">${moreCss.map((p) => `\n<link rel="stylesheet" href="${url(p)}">`).join('')}
<script type="module" src="${url(js)}"></script>
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
const firstLoad = ['index.html', path.relative(dist, js), path.relative(dist, css), ...moreCss.map((p) => path.relative(dist, p)), ...entryImports.map((p) => path.relative(dist, p))]
  .reduce((n, f) => n + sizes[f].gzip, 0);
const officerLoad = firstLoad + [...new Set(officerFiles)].filter((p) => !entryImports.includes(p))
  .reduce((n, p) => n + sizes[path.relative(dist, p)].gzip, 0);
writeFileSync(path.join(dist, 'sizes.json'), JSON.stringify({ first_load_gzip: firstLoad, officer_load_gzip: officerLoad, files: sizes }, null, 2) + '\n');
console.log(`web: first load ${(firstLoad / 1024).toFixed(1)} KiB gzip for a public page, ${(officerLoad / 1024).toFixed(1)} KiB for the officers' app, in ${dist}`);

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
