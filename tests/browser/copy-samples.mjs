// Copies the sample inputs the pages offer from fixtures/ into bindings-wasm/www/samples/
// (git-ignored), with an index the pages read. The fixtures stay the single source: the pages'
// samples are the same files the golden tests use, never hand-kept duplicates.
//
// Usage: node tests/browser/copy-samples.mjs   (from any directory)

import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtures = join(root, 'fixtures');
const out = join(root, 'bindings-wasm', 'www', 'samples');

// Guarantee analyses depend on the date; the circle_of_five case is specified on this one
// (fixtures/graph/README.md). Other graphs default to the page's date.
const GRAPH_AS_OF = { circle_of_five: '2025-06-30' };

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'enterprises'), { recursive: true });
mkdirSync(join(out, 'graph'), { recursive: true });

// One entry per enterprise file, with the date of its first golden case.
const cases = JSON.parse(readFileSync(join(fixtures, 'cases.json'), 'utf8')).cases;
const enterprises = [];
for (const file of readdirSync(join(fixtures, 'enterprises')).filter((f) => f.endsWith('.json')).sort()) {
  copyFileSync(join(fixtures, 'enterprises', file), join(out, 'enterprises', file));
  const doc = JSON.parse(readFileSync(join(fixtures, 'enterprises', file), 'utf8'));
  const golden = cases.find((c) => c.enterprise === `enterprises/${file}`);
  const stem = file.replace(/\.json$/, '');
  enterprises.push({ file: `enterprises/${file}`, label: `${stem} · ${doc.name ?? ''}`, as_of: golden?.as_of ?? null });
}

const graphs = [];
for (const file of readdirSync(join(fixtures, 'graph')).filter((f) => f.endsWith('.jsonl')).sort()) {
  copyFileSync(join(fixtures, 'graph', file), join(out, 'graph', file));
  const stem = file.replace(/\.jsonl$/, '');
  graphs.push({ file: `graph/${file}`, label: stem, as_of: GRAPH_AS_OF[stem] ?? null });
}

writeFileSync(join(out, 'index.json'), `${JSON.stringify({ enterprises, graphs }, null, 2)}\n`);
console.log(`copied ${enterprises.length} enterprises and ${graphs.length} graphs to ${out}`);
