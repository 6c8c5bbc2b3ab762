// SVG drawings of an evaluation: the score gauge and the dimension bars. Built as strings of
// SVG with every text escaped, so a name from the input can never inject markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Escape text for use inside SVG/HTML markup. */
export function esc(value) {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const GRADE_COLOURS = ['#1d6b35', '#1f5fa8', '#8a5300', '#a4161a', '#5b1a1d'];

/** The colour for the grade at `rank` (0 = best) in the model's order. */
export function gradeColour(rank) {
  return GRADE_COLOURS[Math.min(Math.max(rank, 0), GRADE_COLOURS.length - 1)];
}

function polar(cx, cy, r, fraction) {
  // fraction 0 = left end of the half circle, 1 = right end.
  const angle = Math.PI * (1 - fraction);
  return [cx + r * Math.cos(angle), cy - r * Math.sin(angle)];
}

function arc(cx, cy, r, from, to) {
  const [x1, y1] = polar(cx, cy, r, from);
  const [x2, y2] = polar(cx, cy, r, to);
  return `M ${x1.toFixed(2)} ${y1.toFixed(2)} A ${r} ${r} 0 0 1 ${x2.toFixed(2)} ${y2.toFixed(2)}`;
}

/**
 * A half-circle gauge: the grade bands of the model as a coloured rim, the score as a filled
 * arc in the colour of the grade, and the score in figures at its centre. `bands` = [{grade, min}] best first; `label` is the accessible name.
 */
export function gauge({ score, max, grade, gradeRank, bands, label, caption }) {
  const cx = 130;
  const cy = 128;
  const r = 100;
  const total = Number(max) > 0 ? Number(max) : 1;
  const value = Math.min(Math.max(Number(score) || 0, 0), total);
  const fraction = value / total;
  const parts = [];
  // Grade bands on the outer rim, worst (left) to best (right).
  const sorted = [...bands].sort((a, b) => Number(a.min) - Number(b.min));
  sorted.forEach((band, i) => {
    const from = Math.max(Number(band.min) / total, 0);
    const to = i + 1 < sorted.length ? Number(sorted[i + 1].min) / total : 1;
    if (to > from) {
      parts.push(`<path d="${arc(cx, cy, r + 12, from, to)}" stroke="${gradeColour(bands.length - 1 - i)}" stroke-width="5" fill="none"/>`);
      const [tx, ty] = polar(cx, cy, r + 24, (from + to) / 2);
      parts.push(`<text x="${tx.toFixed(1)}" y="${ty.toFixed(1)}" font-size="10" text-anchor="middle" dominant-baseline="middle" fill="#4f5b6b">${esc(band.grade)}</text>`);
    }
  });
  parts.push(`<path d="${arc(cx, cy, r, 0, 1)}" stroke="#e3e8ef" stroke-width="18" fill="none" stroke-linecap="butt"/>`);
  if (fraction > 0) {
    parts.push(`<path d="${arc(cx, cy, r, 0, fraction)}" stroke="${gradeColour(gradeRank)}" stroke-width="18" fill="none" stroke-linecap="butt"/>`);
  }
  parts.push(`<text x="${cx}" y="${cy - 22}" font-size="40" font-weight="700" text-anchor="middle" fill="#1c2430">${esc(score)}</text>`);
  parts.push(`<text x="${cx}" y="${cy}" font-size="12" text-anchor="middle" fill="#4f5b6b">${esc(caption)}</text>`);
  parts.push(`<text x="${cx - r}" y="${cy + 16}" font-size="10" text-anchor="middle" fill="#4f5b6b">0</text>`);
  parts.push(`<text x="${cx + r}" y="${cy + 16}" font-size="10" text-anchor="middle" fill="#4f5b6b">${esc(max)}</text>`);
  return `<svg xmlns="${SVG_NS}" viewBox="0 0 260 150" role="img" aria-label="${esc(label)}"><title>${esc(label)}</title>${parts.join('')}<desc>${esc(grade)}</desc></svg>`;
}

/**
 * Horizontal bars, one per dimension: points against the dimension's maximum.
 * `rows` = [{id, name, points, max}]; `label` is the accessible name of the chart.
 */
export function dimensionBars(rows, label) {
  const labelWidth = 240;
  const barWidth = 320;
  const rowHeight = 34;
  const height = rows.length * rowHeight + 8;
  const parts = [];
  rows.forEach((row, i) => {
    const y = 6 + i * rowHeight;
    const max = Number(row.max) > 0 ? Number(row.max) : 1;
    const points = Number(row.points) || 0;
    const share = Math.min(Math.max(points / max, 0), 1);
    const colour = share >= 0.85 ? '#1d6b35' : share >= 0.6 ? '#1f5fa8' : share >= 0.35 ? '#8a5300' : '#a4161a';
    parts.push(`<g data-dimension="${esc(row.id)}">`);
    parts.push(`<text x="0" y="${y + 15}" font-size="12" fill="#1c2430">${esc(row.name)}</text>`);
    parts.push(`<rect x="${labelWidth}" y="${y + 3}" width="${barWidth}" height="16" rx="3" fill="#e3e8ef"/>`);
    if (share > 0) {
      parts.push(`<rect x="${labelWidth}" y="${y + 3}" width="${(barWidth * share).toFixed(1)}" height="16" rx="3" fill="${colour}"/>`);
    }
    parts.push(`<text x="${labelWidth + barWidth + 10}" y="${y + 15}" font-size="12" fill="#1c2430" font-weight="600">${esc(row.points)} / ${esc(row.max)}</text>`);
    parts.push('</g>');
  });
  return `<svg xmlns="${SVG_NS}" viewBox="0 0 640 ${height}" role="img" aria-label="${esc(label)}"><title>${esc(label)}</title>${parts.join('')}</svg>`;
}
