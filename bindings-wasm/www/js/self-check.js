// The self-check page: an enterprise enters or loads its records and sees, computed in this
// browser, its score gauge, grade, dimension chart, reasons, improvement plan and the products
// of the bundled sample catalog it matches. Every figure shown is the engine's output; the page
// only lays it out.

import { applyStrings, codeName, installSwitch, pick, t } from './i18n.js';
import { describeError, loadEngine, timed, timings } from './engine.js';
import { dimensionBars, esc, gauge } from './charts.js';
import { EnterpriseForm, emptyEnterprise } from './enterprise-form.js';
import { loadSamples } from './samples.js';
import { groupDigits, ms, today, yuan } from './format.js';

const $ = (selector) => document.querySelector(selector);

const page = {
  engine: null,
  evaluator: null,
  matcher: null,
  model: null,
  form: null,
  last: null, // {evaluation, json, match, matchError, enterprise} of the latest evaluation
  sourceText: null, // the loaded JSON text, evaluated as is until the form is edited
  samples: [],
};

applyStrings();
installSwitch($('#lang-switch'));
start();

async function start() {
  page.form = new EnterpriseForm($('#form-fields'), { onUscc: checkUscc });
  // Any edit of the form makes the form, not the loaded text, what is evaluated next.
  $('#form-fields').addEventListener('input', () => { page.sourceText = null; });
  $('#form-fields').addEventListener('click', (event) => {
    if (event.target.closest?.('button[data-action]')) page.sourceText = null;
  });
  page.form.load(emptyEnterprise());
  $('#as-of').value = today();
  fillCollateral();
  wireInputs();
  document.addEventListener('langchange', () => {
    page.form.render();
    fillCollateral();
    fillSamples();
    if (page.last) renderResult();
    renderTimings();
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
  const wasm = page.engine;
  page.evaluator = new wasm.Evaluator();
  page.model = JSON.parse(wasm.defaultModelJson());
  try {
    page.matcher = new wasm.Matcher(wasm.sampleCatalogJson());
  } catch (err) {
    // The sample catalog is bundled in the module: failing here is a build problem, shown as such.
    console.error('sample catalog', err);
  }
  $('#engine-version').textContent = wasm.version();
  const status = $('#engine-status');
  status.dataset.i18n = 'engine.ready';
  status.textContent = t('engine.ready');
  status.hidden = true;
  $('#evaluate').disabled = false;
  document.body.dataset.engine = 'ready';
  renderTimings();

  page.samples = (await loadSamples()).enterprises;
  fillSamples();
}

function wireInputs() {
  $('#enterprise-form').addEventListener('submit', (event) => {
    event.preventDefault();
    evaluate();
  });
  $('#reset').addEventListener('click', () => {
    page.sourceText = null;
    page.form.load(emptyEnterprise());
    page.last = null;
    $('#result').innerHTML = `<div class="card"><p class="hint">${esc(t('sc.empty'))}</p></div>`;
  });
  $('#json-file').addEventListener('change', async (event) => {
    const file = event.target.files?.[0];
    if (!file) return;
    // Decoded without stripping a byte-order mark: the engine decides what the bytes mean.
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await file.arrayBuffer());
    $('#json-text').value = text;
    loadText(text);
  });
  $('#json-apply').addEventListener('click', () => loadText($('#json-text').value));
  $('#sample-load').addEventListener('click', async () => {
    const sample = page.samples.find((s) => s.file === $('#sample-select').value);
    if (!sample) return;
    const response = await fetch(sample.url);
    const text = await response.text();
    $('#json-text').value = text;
    if (sample.as_of) $('#as-of').value = sample.as_of;
    loadText(text);
  });
}

function fillCollateral() {
  const select = $('#demand-collateral');
  const current = select.value || 'none';
  select.innerHTML = ['none', 'guarantee', 'mortgage']
    .map((c) => `<option value="${c}"${c === current ? ' selected' : ''}>${esc(codeName('collateral', c))}</option>`)
    .join('');
}

function fillSamples() {
  const select = $('#sample-select');
  const chooser = select.closest('.field');
  chooser.hidden = page.samples.length === 0;
  const current = select.value;
  select.innerHTML = [`<option value="">${esc(t('sc.samplePick'))}</option>`]
    .concat(page.samples.map((s) => `<option value="${esc(s.file)}"${s.file === current ? ' selected' : ''}>${esc(s.label)}</option>`))
    .join('');
}

function checkUscc(code) {
  if (!page.engine) return { ok: true, text: '' };
  const result = page.engine.validateUscc(code);
  if (result.valid) return { ok: true, text: `${t('sc.usccOk')}: ${result.normalized}` };
  return { ok: false, text: result.error?.message ?? '' };
}

// Load a JSON document and evaluate it at once. The text itself goes to the engine, so a loaded
// file is read exactly as the other surfaces read it (a byte-order mark, a duplicate member or an
// over-long number is the engine's error, not something JavaScript's JSON.parse would smooth
// over). The form shows the document for editing; the first edit makes the form the source.
function loadText(text) {
  let parsed = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The engine reports the syntax error with its own kind and position below.
  }
  const editable = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
  try {
    page.form.load(editable ? parsed : emptyEnterprise());
  } catch {
    // A document too deep to copy or draw (a hostile input) still goes to the engine as text.
    page.form.load(emptyEnterprise());
  }
  page.sourceText = text;
  evaluate();
}

// The enterprise text to evaluate: the loaded text until the form is edited, then the form.
function enterpriseText() {
  return page.sourceText ?? JSON.stringify(page.form.value());
}

function demandText(enterprise) {
  const term = $('#demand-term').value.trim();
  const fields = {
    id: 'self-check',
    amount: $('#demand-amount').value.trim(),
    term_months: /^\d+$/.test(term) ? Number(term) : term,
    collateral: $('#demand-collateral').value,
  };
  // The enterprise text is spliced in unchanged, so the matcher reads what the evaluator read.
  return `${JSON.stringify(fields).slice(0, -1)},"enterprise":${enterprise}}`;
}

function evaluate() {
  if (!page.evaluator) return;
  const text = enterpriseText();
  const asOf = $('#as-of').value.trim();
  let evaluation;
  let json;
  try {
    evaluation = timed(() => page.evaluator.evaluate(text, asOf));
    json = page.evaluator.evaluateJson(text, asOf);
  } catch (err) {
    showError(describeError(err));
    return;
  }
  page.form.markError(null);
  let match = null;
  let matchError = null;
  if (page.matcher) {
    try {
      match = page.matcher.matchDemand(demandText(text), asOf);
    } catch (err) {
      matchError = describeError(err);
    }
  }
  page.last = { evaluation, json, match, matchError, enterprise: page.form.value() };
  renderResult();
  renderTimings();
}

function showError(error) {
  page.last = null;
  const field = page.form.markError(error.path);
  const rows = [`<dt>${esc(t('error.kind'))}</dt><dd><code data-testid="error-kind">${esc(error.kind)}</code></dd>`];
  if (error.path) rows.push(`<dt>${esc(t('error.path'))}</dt><dd><code data-testid="error-path">${esc(error.path)}</code></dd>`);
  $('#result').innerHTML = `<div class="alert error" role="alert" data-testid="error"><strong>${esc(t('error.title'))}</strong>
    <p data-testid="error-message">${esc(error.message)}</p><dl class="kv">${rows.join('')}</dl></div>`;
  field?.focus();
}

function renderTimings() {
  $('#timings').textContent = timings.instantiateMs === null ? '' : t('sc.timings', {
    instantiate: ms(timings.instantiateMs),
    evaluate: ms(timings.evaluateMs),
  });
}

// ---- result --------------------------------------------------------------------------------

function renderResult() {
  const { evaluation: ev, json, match, matchError, enterprise } = page.last;
  const html = [
    summaryCard(ev),
    dimensionsCard(ev),
    reasonsCard(ev, enterprise),
    planCard(ev, enterprise),
    productsCard(match, matchError),
    jsonCard(json),
  ];
  $('#result').innerHTML = html.join('');
  const download = $('#download-json');
  download?.addEventListener('click', () => {
    const blob = new Blob([json], { type: 'application/json' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `evaluation-${ev.uscc}-${ev.as_of}.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  });
}

function gradeRank(grade) {
  const index = page.model.grades.findIndex((g) => g.grade === grade);
  return index < 0 ? page.model.grades.length - 1 : index;
}

function summaryCard(ev) {
  const bands = page.model.grades.map((g) => ({ grade: g.grade, min: g.min_points }));
  const label = `${t('sc.score')} ${ev.score} / ${ev.max_score}, ${t('sc.grade')} ${ev.grade}`;
  const svg = gauge({ score: ev.score, max: ev.max_score, grade: ev.grade, gradeRank: gradeRank(ev.grade), bands, label, caption: t('sc.score') });
  const vetoes = (ev.vetoes ?? []).map((v) => {
    const veto = page.model.vetoes?.find((m) => m.id === v.id);
    return `<li class="veto" data-veto="${esc(v.id)}">${esc(pick(veto?.reason) || v.id)} → ${esc(v.cap)}</li>`;
  });
  return `<div class="card" data-testid="summary"><h2>${esc(t('sc.result'))}: ${esc(ev.name)}</h2>
    <div class="summary">
      <div class="gauge">${svg}</div>
      <div class="grade-box">
        <div class="grade-badge"><span class="grade-letter grade-${esc(ev.grade)}" id="grade" data-testid="grade">${esc(ev.grade)}</span>
          <span><strong>${esc(t('sc.grade'))}</strong> · ${esc(pick(ev.grade_label))}</span></div>
        <dl class="kv">
          <dt>${esc(t('sc.score'))}</dt><dd><strong id="score" data-testid="score">${esc(ev.score)}</strong> / ${esc(ev.max_score)}</dd>
          <dt>${esc(t('sc.gradeByScore'))}</dt><dd data-testid="grade-by-score">${esc(ev.grade_by_score)}</dd>
          <dt>USCC</dt><dd><code>${esc(ev.uscc)}</code></dd>
          <dt>${esc(t('sc.asOf'))}</dt><dd>${esc(ev.as_of)}</dd>
          <dt>${esc(t('sc.model'))}</dt><dd>${esc(ev.model?.id)} ${esc(ev.model?.version)}</dd>
        </dl>
        ${vetoes.length ? `<div><strong>${esc(t('sc.vetoes'))}</strong><ul>${vetoes.join('')}</ul></div>` : ''}
      </div>
    </div></div>`;
}

function dimensionsCard(ev) {
  const rows = ev.dimensions.map((d) => {
    const dim = page.model.dimensions.find((m) => m.id === d.id);
    return { id: d.id, name: pick(dim?.name) || d.id, points: d.points, max: d.max_points };
  });
  const table = rows.map((r) => `<tr data-dimension="${esc(r.id)}"><th scope="row">${esc(r.name)}</th><td class="num">${esc(r.points)}</td><td class="num">${esc(r.max)}</td></tr>`).join('');
  return `<div class="card"><h2>${esc(t('sc.dimensions'))}</h2>
    <div class="bars">${dimensionBars(rows, t('sc.dimensions'))}</div>
    <details><summary class="hint">${esc(t('sc.dimensions'))}</summary>
      <table><thead><tr><th scope="col"></th><th scope="col" class="num">${esc(t('sc.score'))}</th><th scope="col" class="num">max</th></tr></thead><tbody>${table}</tbody></table>
    </details></div>`;
}

function recordRef(enterprise, index) {
  const record = Array.isArray(enterprise?.records) ? enterprise.records[index] : undefined;
  const id = record && typeof record.id === 'string' ? ` ${record.id}` : '';
  return `#${index + 1}${id}`;
}

function reasonsCard(ev, enterprise) {
  if (!ev.reasons.length) {
    return `<div class="card"><h2>${esc(t('sc.reasons'))}</h2><p class="hint" data-testid="no-reasons">${esc(t('sc.noReasons'))}</p></div>`;
  }
  const items = ev.reasons.map((r) => {
    const lost = r.points_lost === null || r.points_lost === undefined
      ? `<span class="chip bad">${esc(t('sc.veto'))}</span>`
      : `<span class="chip bad">−${esc(r.points_lost)} ${esc(t('sc.pointsLost'))}</span>`;
    const refs = (r.records ?? []).map((i) => recordRef(enterprise, i)).join(', ');
    return `<li data-code="${esc(r.code)}" data-points-lost="${esc(r.points_lost ?? '')}">
      <span class="reason-text">${esc(pick(r.text))}</span>${lost}
      <br><span class="reason-code">${esc(r.code)}${refs ? ` · ${esc(t('sc.records.ref'))} ${esc(refs)}` : ''}</span></li>`;
  });
  return `<div class="card"><h2>${esc(t('sc.reasons'))}</h2><ol class="reasons" data-testid="reasons">${items.join('')}</ol></div>`;
}

function planCard(ev, enterprise) {
  const plan = ev.plan ?? { steps: [] };
  if (!plan.steps?.length) {
    return `<div class="card"><h2>${esc(t('sc.plan'))}</h2><p class="hint">${esc(t('sc.noPlan'))}</p></div>`;
  }
  const rows = plan.steps.map((s) => `<tr data-record="${esc(s.record)}">
      <td>${esc(recordRef(enterprise, s.record))}<br><span class="reason-code">${esc(s.class)}</span></td>
      <td>${esc(pick(s.action))}</td>
      <td class="num">${esc(s.possible_from)}</td>
      <td class="num gain">+${esc(s.gain)}</td>
      <td class="num">${esc(s.score_after)} · ${esc(s.grade_after)}</td></tr>`);
  return `<div class="card"><h2>${esc(t('sc.plan'))}</h2>
    <table data-testid="plan"><thead><tr>
      <th scope="col">${esc(t('sc.planRecord'))}</th><th scope="col">${esc(t('sc.planAction'))}</th>
      <th scope="col" class="num">${esc(t('sc.planFrom'))}</th><th scope="col" class="num">${esc(t('sc.planGain'))}</th>
      <th scope="col" class="num">${esc(t('sc.planAfter'))}</th></tr></thead>
    <tbody>${rows.join('')}</tbody>
    <tfoot><tr><th scope="row" colspan="4">${esc(t('sc.planTotal'))}</th>
      <td class="num"><strong data-testid="plan-score-after">${esc(plan.score_after)}</strong> · <strong data-testid="plan-grade-after">${esc(plan.grade_after)}</strong></td></tr></tfoot>
    </table></div>`;
}

function productsCard(match, matchError) {
  const head = `<div class="card" data-testid="products"><h2>${esc(t('sc.products'))}</h2>`;
  if (matchError) {
    return `${head}<div class="alert error" role="alert"><code>${esc(matchError.kind)}</code> ${esc(matchError.message)}${matchError.path ? ` (<code>${esc(matchError.path)}</code>)` : ''}</div></div>`;
  }
  if (!match) return '';
  const offers = match.eligible.map((o) => `<div class="product offer" data-product="${esc(o.product)}">
      <h4>${esc(o.name)}</h4><div class="bank">${esc(o.bank)}</div>
      <dl class="kv"><dt>${esc(t('sc.limit'))}</dt><dd><strong>${esc(yuan(o.limit))}</strong></dd>
      <dt>${esc(t('sc.rate'))}</dt><dd>${esc(o.rate_percent)}%</dd></dl>
      <p class="hint">${esc(pick(o.explanation))}</p></div>`);
  const misses = match.near_misses.map((m) => {
    const gaps = m.failed.map((g) => `<li data-condition="${esc(g.condition)}">${esc(pick(g.text))}${g.closable_by_plan ? ` <span class="chip ok">${esc(t('sc.planCloses'))}${g.closable_from ? ` · ${esc(t('sc.closableFrom'))} ${esc(g.closable_from)}` : ''}</span>` : ''}</li>`);
    const verdict = m.plan_makes_eligible
      ? `<span class="chip ok">${esc(t('sc.planCloses'))}</span>`
      : `<span class="chip warn">${esc(t('sc.planNotCloses'))}</span>`;
    return `<div class="product miss" data-product="${esc(m.product)}"><h4>${esc(m.name)} ${verdict}</h4>
      <div class="bank">${esc(m.bank)}</div><ul>${gaps.join('')}</ul></div>`;
  });
  return `${head}
    <h3>${esc(t('sc.offers'))} (${match.eligible.length})</h3>
    <div class="products" data-testid="offers">${offers.join('') || `<p class="hint">${esc(t('sc.noOffers'))}</p>`}</div>
    ${misses.length ? `<h3>${esc(t('sc.nearMisses'))} (${misses.length})</h3><div class="products" data-testid="near-misses">${misses.join('')}</div>` : ''}
    <p class="hint">${esc(t('sc.amount'))}: ${esc(yuan($('#demand-amount').value.trim()))} · ${esc(t('sc.term'))}: ${esc(groupDigits($('#demand-term').value.trim()))}</p>
  </div>`;
}

function jsonCard(json) {
  return `<div class="card"><details><summary><strong>${esc(t('sc.json'))}</strong></summary>
    <div class="actions"><button type="button" id="download-json">${esc(t('sc.download'))}</button></div>
    <pre class="json" id="evaluation-json" tabindex="0">${esc(json)}</pre></details></div>`;
}

