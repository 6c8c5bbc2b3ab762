// A small deterministic force layout for the relationship view.
//
// Fruchterman–Reingold with a seeded generator: the same graph always gets the same drawing
// (the browser test's screenshots are stable, and a bank officer who reloads a file sees the
// picture they saw before). Ownership-type relations (shareholding, control, key roles) add a
// vertical pull so holders sit above what they hold, which keeps pyramids readable; each
// guarantee circle is laid out as a ring; a last pass pushes overlapping shapes apart.
// Nodes are placed in key order, so the drawing does not depend on the order of the input file.

/** A seeded 32-bit generator (mulberry32): deterministic, fast, good enough for jitter. */
export function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const HIERARCHICAL = new Set(['shareholding', 'control_agreement', 'key_role']);

/**
 * Positions for `nodes` ([{key, person}]) joined by `edges` ([{from, to, relation}]), as a Map
 * from key to {x, y}, in drawing units where an enterprise box is `box.width` × `box.height`.
 * `rings` lists groups of keys (the guarantee circles) to be drawn as rings. The caller sizes
 * the SVG viewBox to the result with `bounds`.
 */
export function layout(nodes, edges, { rings = [], box = { width: 124, height: 36 }, iterations = 400, seed = 20260630 } = {}) {
  const keys = nodes.map((n) => n.key).sort();
  const index = new Map(keys.map((k, i) => [k, i]));
  const person = new Uint8Array(keys.length);
  for (const node of nodes) person[index.get(node.key)] = node.person ? 1 : 0;
  const n = keys.length;
  const positions = new Map();
  if (n === 0) return positions;
  const random = seeded(seed);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  // The ideal distance between linked nodes: wide enough for two boxes side by side.
  const k = box.width * 1.45;
  const radius0 = (k * Math.sqrt(n)) / 2;
  // Start on a circle in key order, with a little seeded jitter to break symmetry.
  for (let i = 0; i < n; i += 1) {
    const angle = (2 * Math.PI * i) / n;
    x[i] = Math.cos(angle) * radius0 + (random() - 0.5) * 10;
    y[i] = Math.sin(angle) * radius0 + (random() - 0.5) * 10;
  }
  // Unique undirected links (parallel edges pull once), and the directed hierarchy pairs.
  const links = [];
  const seen = new Set();
  const hierarchy = [];
  for (const e of edges) {
    const a = index.get(e.from);
    const b = index.get(e.to);
    if (a === undefined || b === undefined || a === b) continue;
    const id = a < b ? `${a}:${b}` : `${b}:${a}`;
    if (!seen.has(id)) {
      seen.add(id);
      links.push([a, b]);
    }
    if (HIERARCHICAL.has(e.relation)) hierarchy.push([a, b]);
  }
  const pinned = new Uint8Array(n);
  const forces = { x, y, n, k, links, hierarchy, pinned, random };
  simulate(forces, iterations, k * 0.6);
  // Each guarantee circle becomes a ring around where its members settled, in the angular
  // order they settled in (so the ring keeps the layout's neighbourhoods), then stays put
  // while the rest settles again around it.
  for (const ring of rings) {
    const members = ring.map((key) => index.get(key)).filter((i) => i !== undefined);
    if (members.length < 2) continue;
    const cx = members.reduce((sum, i) => sum + x[i], 0) / members.length;
    const cy = members.reduce((sum, i) => sum + y[i], 0) / members.length;
    const r = Math.max(k, (members.length * k * 1.1) / (2 * Math.PI));
    members.sort((a, b) => Math.atan2(y[a] - cy, x[a] - cx) - Math.atan2(y[b] - cy, x[b] - cx));
    const start = Math.atan2(y[members[0]] - cy, x[members[0]] - cx);
    members.forEach((i, j) => {
      const angle = start + (2 * Math.PI * j) / members.length;
      x[i] = cx + r * Math.cos(angle);
      y[i] = cy + r * Math.sin(angle);
      pinned[i] = 1;
    });
  }
  if (rings.length) simulate(forces, Math.round(iterations / 2), k * 0.3);
  separate(x, y, person, box);
  for (let i = 0; i < n; i += 1) positions.set(keys[i], { x: x[i], y: y[i] });
  return positions;
}

// Fruchterman–Reingold steps; pinned nodes feel forces but do not move.
function simulate({ x, y, n, k, links, hierarchy, pinned, random }, iterations, startTemperature) {
  const dx = new Float64Array(n);
  const dy = new Float64Array(n);
  let temperature = startTemperature;
  const cooling = temperature / (iterations + 1);
  for (let step = 0; step < iterations; step += 1) {
    dx.fill(0);
    dy.fill(0);
    for (let i = 0; i < n; i += 1) {
      for (let j = i + 1; j < n; j += 1) {
        let ddx = x[i] - x[j];
        let ddy = y[i] - y[j];
        let dist = Math.hypot(ddx, ddy);
        if (dist < 0.01) {
          ddx = random() - 0.5;
          ddy = random() - 0.5;
          dist = 0.01;
        }
        const force = (k * k) / dist;
        dx[i] += (ddx / dist) * force;
        dy[i] += (ddy / dist) * force;
        dx[j] -= (ddx / dist) * force;
        dy[j] -= (ddy / dist) * force;
      }
    }
    for (const [a, b] of links) {
      const ddx = x[a] - x[b];
      const ddy = y[a] - y[b];
      const dist = Math.max(Math.hypot(ddx, ddy), 0.01);
      const force = (dist * dist) / k;
      dx[a] -= (ddx / dist) * force;
      dy[a] -= (ddy / dist) * force;
      dx[b] += (ddx / dist) * force;
      dy[b] += (ddy / dist) * force;
    }
    for (const [a, b] of hierarchy) {
      // The holder should sit at least most of a spacing above the firm it holds.
      const gap = y[b] - y[a] - k * 0.8;
      if (gap < 0) {
        dy[a] += gap * 2;
        dy[b] -= gap * 2;
      }
    }
    for (let i = 0; i < n; i += 1) {
      if (pinned[i]) continue;
      // Weak gravity keeps disconnected parts together.
      dx[i] -= x[i] * 0.05;
      dy[i] -= y[i] * 0.05;
      const length = Math.max(Math.hypot(dx[i], dy[i]), 0.01);
      const move = Math.min(length, temperature);
      x[i] += (dx[i] / length) * move;
      y[i] += (dy[i] / length) * move;
    }
    temperature = Math.max(temperature - cooling, 0.5);
  }
}

// Push overlapping shapes apart along the axis of least overlap, a few passes in index order.
function separate(x, y, person, box) {
  const n = x.length;
  const half = (i) => (person[i] ? { w: 34, h: 34 } : { w: box.width / 2 + 12, h: box.height / 2 + 14 });
  for (let pass = 0; pass < 60; pass += 1) {
    let moved = false;
    for (let i = 0; i < n; i += 1) {
      for (let j = i + 1; j < n; j += 1) {
        const a = half(i);
        const b = half(j);
        const ox = a.w + b.w - Math.abs(x[i] - x[j]);
        const oy = a.h + b.h - Math.abs(y[i] - y[j]);
        if (ox <= 0 || oy <= 0) continue;
        moved = true;
        if (ox < oy) {
          const shift = (ox / 2) * (x[i] < x[j] || (x[i] === x[j] && i < j) ? -1 : 1);
          x[i] += shift;
          x[j] -= shift;
        } else {
          const shift = (oy / 2) * (y[i] < y[j] || (y[i] === y[j] && i < j) ? -1 : 1);
          y[i] += shift;
          y[j] -= shift;
        }
      }
    }
    if (!moved) break;
  }
}

/** The bounding box {x, y, width, height} of `positions` with `margin` around it. */
export function bounds(positions, margin) {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const { x, y } of positions.values()) {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  if (!Number.isFinite(minX)) return { x: 0, y: 0, width: 2 * margin, height: 2 * margin };
  return { x: minX - margin, y: minY - margin, width: maxX - minX + 2 * margin, height: maxY - minY + 2 * margin };
}
