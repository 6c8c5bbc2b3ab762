// The relationship view: a bank officer loads nodes and edges (JSON Lines or CSV), and sees the
// ownership and guarantee graph drawn, with guarantee circles and beneficial owners highlighted
// and listed beside the drawing. The analyses are the engine's; the page draws and lists them.

import { applyStrings, installSwitch, t } from './i18n.js';
import { describeError, loadEngine, timed, timings } from './engine.js';
import { esc } from './charts.js';
import { bounds, layout } from './graph-layout.js';
import { loadSamples } from './samples.js';
import { groupDigits, ms, today } from './format.js';

const $ = (selector) => document.querySelector(selector);

/** Graphs with more nodes are analysed and listed but not drawn (the layout is quadratic). */
const MAX_DRAWN = 400;
// The smallest viewBox: small graphs keep their natural size instead of being blown up.
const MIN_WIDTH = 900;
const MIN_HEIGHT = 460;

const page = { engine: null, graph: null, samples: [], last: null };

applyStrings();
installSwitch($('#lang-switch'));
start();

async function start() {
  $('#graph-as-of').value = today();
  wireInputs();
  document.addEventListener('langchange', () => {
    fillSamples();
    if (page.last) render(page.last);
  });
  try {
    page.engine = await loadEngine();
  } catch (err) {
    const status = $('#engine-status');
    status.className = 'alert error';
    status.setAttribute('role', 'alert');
    status.dataset.i18n = 'engine.missing';
    status.textContent = t('engine.missing');
    console.error(err);
    return;
  }
  $('#engine-version').textContent = page.engine.version();
  $('#engine-status').hidden = true;
  $('#graph-draw').disabled = false;
  document.body.dataset.engine = 'ready';
  page.samples = (await loadSamples()).graphs;
  fillSamples();
}

function wireInputs() {
  $('#graph-form').addEventListener('submit', (event) => {
    event.preventDefault();
    analyse();
  });
  $('#graph-file').addEventListener('change', async (event) => {
    const file = event.target.files?.[0];
    if (!file) return;
    // Decoded without stripping a byte-order mark: the engine's reader decides what it means.
    $('#graph-text').value = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await file.arrayBuffer());
    if (/\.csv$/i.test(file.name)) $('#graph-format').value = 'csv';
    else if (/\.jsonl?$/i.test(file.name)) $('#graph-format').value = 'jsonl';
    analyse();
  });
  $('#graph-sample-load').addEventListener('click', async () => {
    const sample = page.samples.find((s) => s.file === $('#graph-sample').value);
    if (!sample) return;
    $('#graph-text').value = await (await fetch(sample.url)).text();
    $('#graph-format').value = 'jsonl';
    if (sample.as_of) $('#graph-as-of').value = sample.as_of;
    analyse();
  });
}

function fillSamples() {
  const select = $('#graph-sample');
  $('#graph-sample-field').hidden = page.samples.length === 0;
  const current = select.value;
  select.innerHTML = [`<option value="">${esc(t('sc.samplePick'))}</option>`]
    .concat(page.samples.map((s) => `<option value="${esc(s.file)}"${s.file === current ? ' selected' : ''}>${esc(s.label)}</option>`))
    .join('');
}

// JSON Lines when the first non-blank line is an object, else CSV.
function detectFormat(text) {
  const chosen = $('#graph-format').value;
  if (chosen !== 'auto') return chosen;
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
  return first.trim().startsWith('{') ? 'jsonl' : 'csv';
}

function analyse() {
  if (!page.engine) return;
  const text = $('#graph-text').value;
  const asOf = $('#graph-as-of').value.trim();
  const { Graph } = page.engine;
  let result;
  try {
    result = timed(() => {
      const graph = detectFormat(text) === 'csv' ? Graph.fromCsv(text) : Graph.fromJsonl(text);
      try {
        return {
          nodes: graph.nodes(),
          edges: graph.edges(),
          report: graph.report(),
          guarantees: graph.guaranteeCircles(asOf),
          groups: graph.groups(asOf),
          analysis: graph.analysis(),
        };
      } finally {
        graph.free();
      }
    });
  } catch (err) {
    page.last = null;
    const e = describeError(err);
    $('#graph-result').innerHTML = `<div class="alert error" role="alert" data-testid="error"><strong>${esc(t('error.title'))}</strong>
      <p>${esc(e.message)}</p><dl class="kv"><dt>${esc(t('error.kind'))}</dt><dd><code data-testid="error-kind">${esc(e.kind)}</code></dd>
      ${e.path ? `<dt>${esc(t('error.path'))}</dt><dd><code>${esc(e.path)}</code></dd>` : ''}</dl></div>`;
    return;
  }
  result.asOf = asOf;
  const rings = result.guarantees.circles.map((c) => c.members);
  result.positions = result.nodes.length <= MAX_DRAWN
    ? layout(result.nodes, result.edges, { rings, box: { width: NODE_W, height: NODE_H } })
    : null;
  page.last = result;
  render(result);
  $('#timings').textContent = `${t('sc.timings', { instantiate: ms(timings.instantiateMs), evaluate: ms(timings.evaluateMs) })}`;
}

// ---- helpers -------------------------------------------------------------------------------

function labelOf(nodes, key) {
  const node = nodes.get(key);
  if (!node) return key;
  if (node.name) return node.name;
  return node.person ? key : `…${key.slice(-6)}`;
}

function percent(share) {
  const value = Number(share);
  if (!Number.isFinite(value)) return String(share);
  return `${Number((value * 100).toFixed(4))}%`;
}

function who(nodes, key) {
  const node = nodes.get(key);
  const name = node?.name ? `${esc(node.name)} ` : '';
  return `${name}<span class="key">${esc(key)}</span>`;
}

// ---- rendering -----------------------------------------------------------------------------

function render(r) {
  const nodes = new Map(r.nodes.map((n) => [n.key, n]));
  const circleOf = new Map();
  const circleEdges = new Set();
  for (const circle of r.guarantees.circles) {
    for (const member of circle.members) circleOf.set(member, circle.id);
    for (const pair of circle.pairs) circleEdges.add(`${pair.guarantor}→${pair.borrower}`);
  }
  const groupOf = new Map();
  for (const group of r.groups.groups) {
    for (const member of group.members) groupOf.set(member, group.id);
  }
  const owners = new Set();
  for (const firm of r.analysis.firms) {
    for (const owner of firm.beneficial_owners.owners) owners.add(owner.person);
  }
  const summary = t('g.summary', { nodes: r.nodes.length, edges: r.edges.length, circles: r.guarantees.circles.length });
  const drawing = r.positions
    ? drawGraph(r, nodes, circleOf, circleEdges, owners, groupOf)
    : `<p class="alert info">${esc(t('g.tooLarge', { max: MAX_DRAWN }))}</p>`;
  $('#graph-result').innerHTML = `<div class="graph-columns">
    <section class="card" aria-labelledby="drawing-title">
      <h2 id="drawing-title">${esc(t('g.drawing'))}</h2>
      <p class="hint" data-testid="graph-summary">${esc(summary)}</p>
      <div class="graph-canvas">${drawing}</div>
      ${legend()}
    </section>
    <aside>
      ${circlesCard(r, nodes)}
      ${ownersCard(r, nodes)}
      ${groupsCard(r, nodes)}
      ${reportCard(r, nodes)}
    </aside></div>`;
}

function legend() {
  const item = (style, key) => `<span><i style="${style}" aria-hidden="true"></i>${esc(t(key))}</span>`;
  return `<div class="legend">
    ${item('background:#fff;border:2px solid #0f3d78', 'g.legend.enterprise')}
    ${item('background:#eef1f5;border:2px solid #4f5b6b;border-radius:50%;width:12px;height:12px', 'g.legend.person')}
    ${item('background:#fde8e8;border:2px solid #a4161a', 'g.legend.circle')}
    ${item('background:#fff4d6;border:2px solid #9a6a00;border-radius:50%;width:12px;height:12px', 'g.legend.owner')}
    ${item('background:#5b6b80;height:3px', 'g.legend.share')}
    ${item('background:repeating-linear-gradient(90deg,#b05f00 0 5px,transparent 5px 8px);height:3px', 'g.legend.guarantee')}
    ${item('background:#a4161a;height:4px', 'g.legend.circleEdge')}
    ${item('background:#8a96a8;height:2px', 'g.legend.other')}
  </div>`;
}

const NODE_W = 124;
const NODE_H = 36;
const PERSON_R = 20;

// Where the segment from the centre of `node` towards (tx, ty) leaves the node's shape.
function boundary(node, p, tx, ty) {
  const dx = tx - p.x;
  const dy = ty - p.y;
  const length = Math.hypot(dx, dy) || 1;
  if (node?.person) return { x: p.x + (dx / length) * (PERSON_R + 2), y: p.y + (dy / length) * (PERSON_R + 2) };
  const scale = Math.min((NODE_W / 2 + 2) / Math.abs(dx || 1e-9), (NODE_H / 2 + 2) / Math.abs(dy || 1e-9));
  return { x: p.x + dx * Math.min(scale, 1), y: p.y + dy * Math.min(scale, 1) };
}

function edgeStyle(edge, inCircle) {
  if (edge.relation === 'guarantee') {
    if (inCircle) return { stroke: '#a4161a', width: 3, dash: '', marker: 'arrow-red' };
    const faded = edge.status === 'released';
    return { stroke: faded ? '#d7b58a' : '#b05f00', width: 2, dash: '6 4', marker: 'arrow-orange' };
  }
  if (edge.relation === 'shareholding') return { stroke: '#5b6b80', width: 2, dash: '', marker: 'arrow-grey' };
  if (edge.relation === 'control_agreement') return { stroke: '#6b2d8c', width: 2, dash: '2 3', marker: 'arrow-grey' };
  return { stroke: '#8a96a8', width: 1.5, dash: '1 3', marker: 'arrow-grey' };
}

function edgeLabel(edge) {
  if (edge.relation === 'shareholding' && edge.share !== undefined) return percent(edge.share);
  if (edge.relation === 'guarantee' && edge.amount !== undefined) return `¥${groupDigits(edge.amount)}`;
  if (edge.relation === 'key_role' && edge.role) return edge.role;
  return '';
}

function drawGraph(r, nodes, circleOf, circleEdges, owners, groupOf) {
  const pos = r.positions;
  const parts = [];
  parts.push(`<defs>
    <marker id="arrow-grey" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#5b6b80"/></marker>
    <marker id="arrow-orange" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#b05f00"/></marker>
    <marker id="arrow-red" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#a4161a"/></marker>
  </defs>`);
  // Parallel edges between one pair bend apart so each stays visible.
  const pairCount = new Map();
  const pairSeen = new Map();
  for (const e of r.edges) {
    const id = [e.from, e.to].sort().join('|');
    pairCount.set(id, (pairCount.get(id) ?? 0) + 1);
  }
  const labels = [];
  for (const e of r.edges) {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (!a || !b || e.from === e.to) continue;
    const id = [e.from, e.to].sort().join('|');
    const count = pairCount.get(id);
    const nth = pairSeen.get(id) ?? 0;
    pairSeen.set(id, nth + 1);
    // Offset perpendicular to the canonical direction, so A→B and B→A bend to opposite sides.
    const forward = e.from < e.to ? 1 : -1;
    const bend = count > 1 ? (nth - (count - 1) / 2) * 46 * forward : 0;
    const mx = (a.x + b.x) / 2;
    const my = (a.y + b.y) / 2;
    const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
    const nx = -(b.y - a.y) / len;
    const ny = (b.x - a.x) / len;
    const cx = mx + nx * bend;
    const cy = my + ny * bend;
    const start = boundary(nodes.get(e.from), a, cx, cy);
    const end = boundary(nodes.get(e.to), b, cx, cy);
    const inCircle = e.relation === 'guarantee' && circleEdges.has(`${e.from}→${e.to}`);
    const style = edgeStyle(e, inCircle);
    const d = bend === 0
      ? `M${start.x.toFixed(1)} ${start.y.toFixed(1)} L${end.x.toFixed(1)} ${end.y.toFixed(1)}`
      : `M${start.x.toFixed(1)} ${start.y.toFixed(1)} Q${cx.toFixed(1)} ${cy.toFixed(1)} ${end.x.toFixed(1)} ${end.y.toFixed(1)}`;
    parts.push(`<path d="${d}" fill="none" stroke="${style.stroke}" stroke-width="${style.width}"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''} marker-end="url(#${style.marker})" data-relation="${esc(e.relation)}"><title>${esc(`${labelOf(nodes, e.from)} → ${labelOf(nodes, e.to)} ${e.relation} ${edgeLabel(e)}`)}</title></path>`);
    const text = edgeLabel(e);
    if (text) {
      // The label sits on the curve's midpoint: for a quadratic curve, halfway to the control point.
      const lx = bend === 0 ? mx : (mx + cx) / 2;
      const ly = bend === 0 ? my : (my + cy) / 2;
      labels.push(`<text x="${lx.toFixed(1)}" y="${(ly - 4).toFixed(1)}" font-size="11" text-anchor="middle" fill="${style.stroke}" stroke="#fcfdff" stroke-width="3" paint-order="stroke">${esc(text)}</text>`);
    }
  }
  parts.push(...labels);
  for (const node of r.nodes) {
    const p = pos.get(node.key);
    const circle = circleOf.get(node.key);
    const label = labelOf(nodes, node.key);
    const title = `${node.name ? `${node.name} ` : ''}${node.key}`;
    if (node.person) {
      const owner = owners.has(node.key);
      parts.push(`<g data-key="${esc(node.key)}"${owner ? ' data-owner="true"' : ''}><title>${esc(title)}</title>
        <circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="${PERSON_R}" fill="${owner ? '#fff4d6' : '#eef1f5'}" stroke="${owner ? '#9a6a00' : '#4f5b6b'}" stroke-width="${owner ? 3 : 1.5}"/>
        ${owner ? `<text x="${p.x.toFixed(1)}" y="${(p.y + 5).toFixed(1)}" font-size="15" text-anchor="middle" fill="#9a6a00">★</text>` : ''}
        <text x="${p.x.toFixed(1)}" y="${(p.y + PERSON_R + 15).toFixed(1)}" font-size="12" text-anchor="middle" fill="#1c2430" stroke="#fcfdff" stroke-width="3" paint-order="stroke">${esc(label)}</text></g>`);
    } else {
      const x = p.x - NODE_W / 2;
      const y = p.y - NODE_H / 2;
      const fill = circle ? '#fde8e8' : '#ffffff';
      const stroke = circle ? '#a4161a' : '#0f3d78';
      const group = groupOf.get(node.key);
      parts.push(`<g data-key="${esc(node.key)}"${circle ? ` data-circle="${circle}"` : ''}${group ? ` data-group="${group}"` : ''}><title>${esc(title)}</title>
        <rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${NODE_W}" height="${NODE_H}" rx="6" fill="${fill}" stroke="${stroke}" stroke-width="${circle ? 2.5 : 1.5}"/>
        <text x="${p.x.toFixed(1)}" y="${(p.y + 4).toFixed(1)}" font-size="13" font-weight="600" text-anchor="middle" fill="#1c2430">${esc(label)}</text>
        ${circle ? `<text x="${(x + NODE_W - 4).toFixed(1)}" y="${(y + 11).toFixed(1)}" font-size="9" text-anchor="end" fill="#a4161a">●${circle}</text>` : ''}
        ${group ? `<text x="${(x + 4).toFixed(1)}" y="${(y + 11).toFixed(1)}" font-size="9" text-anchor="start" fill="#1d5c3a">G${group}</text>` : ''}</g>`);
    }
  }
  const aria = t('g.graphLabel', { nodes: r.nodes.length, edges: r.edges.length });
  const box = bounds(pos, 90);
  const width = Math.max(box.width, MIN_WIDTH);
  const height = Math.max(box.height, MIN_HEIGHT);
  const viewBox = [box.x - (width - box.width) / 2, box.y - (height - box.height) / 2, width, height].map((v) => v.toFixed(1)).join(' ');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${viewBox}" role="img" aria-label="${esc(aria)}" data-testid="graph-svg"><title>${esc(aria)}</title>${parts.join('')}</svg>`;
}

function circlesCard(r, nodes) {
  const circles = r.guarantees.circles;
  const head = `<section class="card" aria-labelledby="circles-title"><h2 id="circles-title">${esc(t('g.circles'))} (${circles.length})</h2>`;
  if (!circles.length) return `${head}<p class="hint" data-testid="no-circles">${esc(t('g.noCircles'))}</p></section>`;
  const items = circles.map((c) => {
    const members = c.members.map((m) => `<li data-key="${esc(m)}">${who(nodes, m)}</li>`).join('');
    const mutual = c.mutual_pairs.map((p) => p.map((k) => esc(labelOf(nodes, k))).join(' ⇄ ')).join('；');
    const cycles = c.cycles.map((cy) => cy.map((k) => esc(labelOf(nodes, k))).join(' → ')).join('；');
    const chains = c.chains.map((ch) => `${esc(labelOf(nodes, ch.firm))} (${esc(t('g.hops', { hops: ch.hops }))})`).join('；');
    return `<li data-testid="circle" data-circle="${esc(c.id)}" data-members="${esc(c.members.join(' '))}">
      <strong>${esc(t('g.circle', { id: c.id, size: c.size }))}</strong>
      <ul class="member-list">${members}</ul>
      ${mutual ? `<div><span class="chip bad">${esc(t('g.mutual'))}</span> ${mutual}</div>` : ''}
      ${cycles ? `<div><span class="chip">${esc(t('g.cycles'))}</span> ${cycles}</div>` : ''}
      ${chains ? `<div><span class="chip warn">${esc(t('g.chains'))}</span> ${chains}</div>` : ''}</li>`;
  });
  return `${head}<ul class="side-list" data-testid="circles">${items.join('')}</ul></section>`;
}

function ownersCard(r, nodes) {
  const firms = r.analysis.firms.filter((f) => f.beneficial_owners.owners.length || f.beneficial_owners.controllers.length);
  const head = `<section class="card" aria-labelledby="owners-title"><h2 id="owners-title">${esc(t('g.owners'))}</h2>`;
  if (!firms.length) return `${head}<p class="hint">${esc(t('g.noOwners'))}</p></section>`;
  const items = firms.map(({ beneficial_owners: b }) => {
    const owners = b.owners.map((o) => `<li data-person="${esc(o.person)}">★ ${who(nodes, o.person)} <strong>${esc(percent(o.share))}</strong></li>`).join('');
    const controllers = b.controllers.length
      ? `<div class="hint">${esc(t('g.controllers'))}: ${b.controllers.map((k) => esc(labelOf(nodes, k))).join('、')}</div>` : '';
    return `<li data-testid="owners" data-firm="${esc(b.firm)}" data-basis="${esc(b.basis)}">
      <strong>${esc(labelOf(nodes, b.firm))}</strong> <span class="chip">${esc(t(`g.basis.${b.basis}`))}</span>
      <ul class="member-list">${owners}</ul>${controllers}</li>`;
  });
  return `${head}<ul class="side-list">${items.join('')}</ul></section>`;
}

// Group clients, each with the ties that joined it; close links from the guarantee analysis.
function groupsCard(r, nodes) {
  const groups = r.groups.groups;
  const head = `<section class="card" aria-labelledby="groups-title"><h2 id="groups-title">${esc(t('g.groups'))} (${groups.length})</h2>`;
  const items = groups.map((g) => {
    const members = g.members.map((m) => `<li data-key="${esc(m)}">${who(nodes, m)}</li>`).join('');
    const ties = g.ties.map((tie) => `<li>${esc(labelOf(nodes, tie.a))} — ${esc(labelOf(nodes, tie.b))}
      <span class="chip">${esc(t(`g.tie.${tie.kind}`))}${tie.via ? ` · ${esc(labelOf(nodes, tie.via))}` : ''}</span></li>`).join('');
    return `<li data-testid="group" data-group="${esc(g.id)}" data-members="${esc(g.members.join(' '))}">
      <strong>${esc(t('g.group', { id: g.id, size: g.members.length }))}</strong>
      <ul class="member-list">${members}</ul><ul class="member-list">${ties}</ul></li>`;
  });
  const hubs = r.groups.hubs_skipped.map((h) => `<li>${esc(t('g.hub', { person: h.person, firms: h.firms }))}</li>`).join('');
  const links = r.guarantees.close_links ?? [];
  const list = links.length
    ? `<ul class="side-list">${links.map((l) => `<li data-testid="close-link">${esc(labelOf(nodes, l.guarantor))} → ${esc(labelOf(nodes, l.borrower))}
        <span class="chip">${esc(l.basis)}${l.via ? ` · ${esc(labelOf(nodes, l.via))}` : ''} · ${esc(percent(l.share))}</span></li>`).join('')}</ul>`
    : '';
  return `${head}${groups.length ? `<ul class="side-list" data-testid="groups">${items.join('')}</ul>` : `<p class="hint" data-testid="no-groups">${esc(t('g.noGroups'))}</p>`}
    ${hubs ? `<ul class="side-list hint">${hubs}</ul>` : ''}
    ${links.length ? `<h3>${esc(t('g.closeLinks'))}</h3>${list}` : ''}</section>`;
}

function reportCard(r, nodes) {
  const rows = [
    [t('g.active'), r.guarantees.active_guarantees],
    [t('g.inactive'), r.guarantees.inactive_guarantees],
    [t('g.implied'), r.report.implied_enterprises.length],
    [t('g.merged'), r.report.duplicates_merged.length],
    [t('g.unresolvable'), r.analysis.unresolvable.length],
  ];
  const cycles = r.analysis.unresolvable.map((u) => `<li data-testid="unresolvable">${u.members.map((k) => esc(labelOf(nodes, k))).join(' ⇄ ')} <span class="chip bad">${esc(u.reason)}</span></li>`).join('');
  return `<section class="card"><h2>${esc(t('g.report'))}</h2>
    <dl class="kv">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
    ${cycles ? `<ul class="side-list">${cycles}</ul>` : ''}
    <p class="hint">${esc(t('g.asOf'))}: ${esc(r.asOf)}</p></section>`;
}

