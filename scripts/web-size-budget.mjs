// The web app's size budget, checked on every build: the JavaScript the car search page (the start
// page) needs at first load — the entry chunk, the search page's chunk and what they import
// statically, gzipped — must stay within 150 KB, or the build fails (WEB_SIZE_BUDGET=warn only warns).
// Not part of it, and reported beside it: the map (Leaflet), loaded only when results are shown, and
// the form controls (React Aria date field and combobox), fetched in their own chunks right after the
// page's first render. The figures are written to bench/web-size.json.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'web', 'dist');
const BUDGET_BYTES = 150 * 1024;
const manifest = JSON.parse(readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8'));

function closure(keys) {
  const seen = new Set();
  const visit = (key) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const dep of manifest[key]?.imports ?? []) visit(dep);
  };
  for (const k of keys) visit(k);
  return [...seen].map((k) => manifest[k].file).filter((f) => f.endsWith('.js'));
}

const gz = (file) => gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length;
const firstLoad = closure(['index.html', 'src/routes/cars/search.tsx']);
const firstLoadBytes = firstLoad.reduce((sum, f) => sum + gz(f), 0);
const mapChunk = closure(['src/components/LeafletMap.tsx']).filter((f) => !firstLoad.includes(f));
const mapBytes = mapChunk.reduce((sum, f) => sum + gz(f), 0);
const controls = closure(['src/components/DateTimeField.tsx', 'src/components/PlaceSearch.tsx']).filter(
  (f) => !firstLoad.includes(f),
);
const controlsBytes = controls.reduce((sum, f) => sum + gz(f), 0);
const allJs = Object.values(manifest)
  .map((c) => c.file)
  .filter((f, i, a) => f.endsWith('.js') && a.indexOf(f) === i);
const totalBytes = allJs.reduce((sum, f) => sum + gz(f), 0);

const kb = (b) => Math.round((b / 1024) * 10) / 10;
const figure = {
  searchPageFirstLoadGzipKB: kb(firstLoadBytes),
  budgetKB: BUDGET_BYTES / 1024,
  formControlsAfterFirstRenderGzipKB: kb(controlsBytes),
  searchPageShownGzipKB: kb(firstLoadBytes + controlsBytes),
  mapOnDemandGzipKB: kb(mapBytes),
  allJavaScriptGzipKB: kb(totalBytes),
  firstLoadFiles: firstLoad,
};
console.log(
  `web app: search page first load ${figure.searchPageFirstLoadGzipKB} KB gzipped JS (budget ${figure.budgetKB} KB), form controls ${figure.formControlsAfterFirstRenderGzipKB} KB after first render; map ${figure.mapOnDemandGzipKB} KB on demand`,
);
figure.withinBudget = firstLoadBytes <= BUDGET_BYTES;
writeFileSync(path.join(root, 'bench', 'web-size.json'), `${JSON.stringify(figure, null, 2)}\n`);
if (!figure.withinBudget) {
  console.error(
    `OVER BUDGET: the search page's first-load JavaScript is ${kb(firstLoadBytes - BUDGET_BYTES)} KB over`,
  );
  // Over budget fails the build; WEB_SIZE_BUDGET=warn (a local experiment) only warns.
  if (process.env.WEB_SIZE_BUDGET !== 'warn') process.exit(1);
}
