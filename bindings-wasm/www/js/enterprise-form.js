// The enterprise form of the self-check page.
//
// The form edits a plain enterprise object (the JSON document of docs/records.md). The object
// is the single source of truth: loading JSON replaces it, each input writes one field, and
// evaluation sends it unchanged. A field is written only when the person edits it, so a loaded
// document (with its key order, number-or-string amounts and any field the form does not show)
// is evaluated exactly as loaded. Validation is the engine's: the form never rejects a value.

import { CODES, codeName, fieldLabel, t } from './i18n.js';
import { esc } from './charts.js';

const DATE = 'date';
const TEXT = 'text';
const AMOUNT = 'amount';
const INTEGER = 'integer';

// Top-level sections: [field, label key, type, code list, required].
const BASIC = [
  ['uscc', 'sc.uscc', TEXT, null, true],
  ['name', 'sc.name', TEXT, null, true],
  ['established_on', 'sc.established', DATE, null, true],
  ['status', 'sc.status', 'select', 'status'],
  ['registered_capital', 'sc.capital', AMOUNT],
  ['industry', 'sc.industry', TEXT],
  ['region', 'sc.region', TEXT],
  ['size', 'sc.size', 'select', 'size'],
];
const RATINGS = [
  ['customs', 'sc.customs', 'select', 'customs'],
  ['samr_risk', 'sc.samr', 'select', 'samr'],
];
const FINANCE = [
  ['tax_paid_12m', 'sc.taxPaid', AMOUNT],
  ['revenue_12m', 'sc.revenue', AMOUNT],
  ['last_tax_payment_on', 'sc.lastTax', DATE],
  ['social_insurance_headcount', 'sc.headcount', INTEGER],
  ['social_insurance_months_paid_12m', 'sc.siMonths', INTEGER],
  ['existing_loans', 'sc.loans', AMOUNT],
];

// Record fields per kind, in the order of docs/records.md: [field, type, code list, required].
const RECORD_FIELDS = {
  penalty: [
    ['severity', 'select', 'severity', true],
    ['decided_on', DATE, null, true],
    ['domain', 'select', 'domain'],
    ['measure', 'select', 'measure'],
    ['amount', AMOUNT],
    ['authority', TEXT],
    ['disclosure_end', DATE],
    ['repaired_on', DATE],
  ],
  listing: [
    ['list', 'select', 'list', true],
    ['listed_on', DATE, null, true],
    ['removed_on', DATE],
    ['ground', TEXT],
    ['amount', AMOUNT],
  ],
  arrears: [
    ['arrears', 'select', 'arrears', true],
    ['amount', AMOUNT, null, true],
    ['since', DATE, null, true],
    ['paid_on', DATE],
  ],
  honour: [
    ['honour', 'select', 'honour', true],
    ['awarded_on', DATE, null, true],
    ['expires_on', DATE],
  ],
  commitment: [
    ['made_on', DATE, null, true],
    ['status', 'select', 'commitmentStatus', true],
    ['resolved_on', DATE],
  ],
};

/** Record kinds the form can add, in display order. */
export const RECORD_KINDS = Object.keys(RECORD_FIELDS);

/** A new, empty enterprise document. */
export function emptyEnterprise() {
  return { uscc: '', name: '', established_on: '', records: [] };
}

function shown(value) {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

function domId(path) {
  return `f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

// Convert what was typed into the JSON value the engine reads; '' means "leave the field out".
function parsed(type, text) {
  if (text === '') return undefined;
  if (type === INTEGER && /^\d+$/.test(text)) return Number(text);
  return text;
}

/** The enterprise form bound to a container element. */
export class EnterpriseForm {
  /** `root`: the container; `onUscc(code)`: returns {ok, text} for the code hint. */
  constructor(root, { onUscc } = {}) {
    this.root = root;
    this.onUscc = onUscc;
    this.state = emptyEnterprise();
    root.addEventListener('input', (event) => this.#edited(event));
    root.addEventListener('change', (event) => this.#edited(event));
    root.addEventListener('click', (event) => this.#clicked(event));
    root.addEventListener('focusout', (event) => {
      if (event.target?.dataset?.path === 'uscc') this.#checkUscc();
    });
  }

  /** Replace the document being edited (a deep copy is kept). */
  load(enterprise) {
    this.state = structuredClone(enterprise);
    this.render();
  }

  /** The document as it stands. */
  value() {
    return this.state;
  }

  /** Mark the input whose path the engine named in an error (and clear older marks). */
  markError(path) {
    for (const el of this.root.querySelectorAll('[aria-invalid="true"]')) {
      el.removeAttribute('aria-invalid');
    }
    if (!path) return null;
    // The engine's path may point below a form field (a field of a nested value): walk up.
    let probe = String(path);
    while (probe) {
      const el = this.root.querySelector(`[data-path="${CSS.escape(probe)}"]`);
      if (el) {
        el.setAttribute('aria-invalid', 'true');
        return el;
      }
      const cut = Math.max(probe.lastIndexOf('.'), probe.lastIndexOf('['));
      probe = cut > 0 ? probe.slice(0, cut) : '';
    }
    return null;
  }

  /** Draw the whole form from the document. */
  render() {
    const s = this.state;
    const ratings = isObject(s.ratings) ? s.ratings : {};
    const finance = isObject(s.finance) ? s.finance : {};
    const html = [];
    html.push(`<fieldset><legend>${esc(t('sc.basic'))}</legend><div class="grid-2">`);
    for (const [field, key, type, list, required] of BASIC) {
      html.push(this.#field(field, t(key), type, list, s[field], { required, span: field === 'name' || field === 'uscc' }));
    }
    html.push(`<p class="hint field span-2" id="uscc-hint" aria-live="polite"></p>`);
    html.push('</div></fieldset>');

    html.push(`<fieldset><legend>${esc(t('sc.ratings'))}</legend>`);
    html.push(`<h3 id="tax-grades-title">${esc(t('sc.taxGrades'))}</h3><div role="group" aria-labelledby="tax-grades-title">`);
    const grades = isObject(ratings.tax_grades) ? Object.entries(ratings.tax_grades) : [];
    grades.forEach(([year, grade], i) => {
      html.push(`<div class="tax-row" data-tax-row="${i}">`);
      html.push(this.#input(`tax-year-${i}`, t('sc.taxYear'), TEXT, null, year, { path: `ratings.tax_grades.${year}`, role: 'tax-year' }));
      html.push(this.#input(`tax-grade-${i}`, t('sc.taxGrade'), 'select', 'taxGrade', grade, { role: 'tax-grade', allowEmpty: false }));
      html.push(`<button type="button" class="small danger" data-action="remove-tax" data-index="${i}" aria-label="${esc(`${t('sc.remove')} ${year}`)}">${esc(t('sc.remove'))}</button></div>`);
    });
    html.push(`<button type="button" class="small" data-action="add-tax">+ ${esc(t('sc.addTaxGrade'))}</button></div>`);
    html.push('<div class="grid-2" style="margin-top:.6rem">');
    for (const [field, key, type, list] of RATINGS) {
      html.push(this.#field(`ratings.${field}`, t(key), type, list, ratings[field]));
    }
    html.push('</div></fieldset>');

    html.push(`<fieldset><legend>${esc(t('sc.finance'))}</legend><div class="grid-2">`);
    for (const [field, key, type] of FINANCE) {
      html.push(this.#field(`finance.${field}`, t(key), type, null, finance[field]));
    }
    html.push('</div></fieldset>');

    html.push(`<fieldset><legend>${esc(t('sc.records'))}</legend>`);
    const records = Array.isArray(s.records) ? s.records : [];
    if (records.length === 0) html.push(`<p class="hint">${esc(t('sc.noRecords'))}</p>`);
    records.forEach((record, i) => html.push(this.#record(record, i)));
    html.push('<div class="actions">');
    for (const kind of RECORD_KINDS) {
      html.push(`<button type="button" class="small" data-action="add-record" data-kind="${kind}">+ ${esc(codeName('kind', kind))}</button>`);
    }
    html.push('</div></fieldset>');
    this.root.innerHTML = html.join('');
  }

  #record(record, i) {
    const rec = isObject(record) ? record : {};
    const kind = typeof rec.kind === 'string' ? rec.kind : '';
    const fields = RECORD_FIELDS[kind] ?? [];
    const title = `${i + 1}. ${codeName('kind', kind)}`;
    const out = [`<div class="record" data-kind="${esc(kind)}" data-record="${i}" role="group" aria-label="${esc(title)}">`];
    out.push(`<div class="record-head"><strong>${esc(title)}</strong><button type="button" class="small danger" data-action="remove-record" data-index="${i}" aria-label="${esc(`${t('sc.remove')} ${title}`)}">${esc(t('sc.remove'))}</button></div>`);
    out.push('<div class="grid-2">');
    out.push(this.#field(`records[${i}].kind`, fieldLabel('kind'), 'select', 'kind', rec.kind, { required: true, allowEmpty: false }));
    out.push(this.#field(`records[${i}].id`, fieldLabel('id'), TEXT, null, rec.id));
    for (const [field, type, list, required] of fields) {
      out.push(this.#field(`records[${i}].${field}`, fieldLabel(field), type, list, rec[field], { required }));
    }
    out.push('</div></div>');
    return out.join('');
  }

  #field(path, label, type, list, value, options = {}) {
    return this.#input(domId(path), label, type, list, value, { ...options, path });
  }

  #input(id, label, type, list, value, { path, required, span, role, allowEmpty = true } = {}) {
    const attrs = [`id="${id}"`, `data-type="${type}"`];
    if (path) attrs.push(`data-path="${esc(path)}"`);
    if (role) attrs.push(`data-role="${role}"`);
    if (required) attrs.push('aria-required="true"');
    const cls = `field${span ? ' span-2' : ''}`;
    const labelHtml = `<label for="${id}"${required ? ' class="req"' : ''}>${esc(label)}</label>`;
    if (type === 'select') {
      const current = shown(value);
      const opts = [];
      if (allowEmpty || current === '') opts.push(`<option value="">${esc(t('sc.unset'))}</option>`);
      const codes = Object.keys(CODES[list] ?? {});
      if (current !== '' && !codes.includes(current)) codes.push(current);
      for (const code of codes) {
        opts.push(`<option value="${esc(code)}"${code === current ? ' selected' : ''}>${esc(codeName(list, code))}</option>`);
      }
      return `<div class="${cls}">${labelHtml}<select ${attrs.join(' ')}>${opts.join('')}</select></div>`;
    }
    const extra = [];
    if (type === DATE) extra.push(`placeholder="YYYY-MM-DD" inputmode="numeric" aria-describedby="date-hint"`);
    if (type === AMOUNT || type === INTEGER) extra.push('inputmode="decimal"');
    return `<div class="${cls}">${labelHtml}<input type="text" ${attrs.join(' ')} ${extra.join(' ')} value="${esc(shown(value))}" autocomplete="off" spellcheck="false"></div>`;
  }

  #edited(event) {
    const el = event.target;
    if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement)) return;
    if (el.dataset.role === 'tax-year' || el.dataset.role === 'tax-grade') {
      if (event.type === 'change' || el.dataset.role === 'tax-grade') this.#rebuildTaxGrades();
      return;
    }
    const path = el.dataset.path;
    if (!path) return;
    const type = el.dataset.type;
    this.#set(path, parsed(type, el.value));
    if (path.endsWith('.kind') && event.type === 'change') {
      // A new kind has other fields: keep the id, drop the rest, redraw.
      const index = Number(path.match(/^records\[(\d+)\]/)?.[1]);
      const old = this.state.records[index] ?? {};
      this.state.records[index] = old.id === undefined ? { kind: el.value } : { kind: el.value, id: old.id };
      this.render();
      this.root.querySelector(`#${domId(path)}`)?.focus();
    }
  }

  #clicked(event) {
    const button = event.target.closest?.('button[data-action]');
    if (!button) return;
    const action = button.dataset.action;
    if (action === 'add-record') {
      if (!Array.isArray(this.state.records)) this.state.records = [];
      this.state.records.push({ kind: button.dataset.kind });
      this.render();
      const i = this.state.records.length - 1;
      this.root.querySelector(`[data-record="${i}"] input, [data-record="${i}"] select:not([data-path$=".kind"])`)?.focus();
    } else if (action === 'remove-record') {
      this.state.records.splice(Number(button.dataset.index), 1);
      this.render();
      this.root.querySelector('button[data-action="add-record"]')?.focus();
    } else if (action === 'add-tax') {
      const ratings = this.#object('ratings');
      const grades = isObject(ratings.tax_grades) ? ratings.tax_grades : (ratings.tax_grades = {});
      const years = Object.keys(grades).map(Number).filter(Number.isFinite);
      const next = years.length ? Math.max(...years) + 1 : 2025;
      grades[String(next)] = 'A';
      this.render();
      this.root.querySelector('[data-role="tax-year"]:last-of-type')?.focus();
    } else if (action === 'remove-tax') {
      const rows = this.#taxRows().filter((_, i) => i !== Number(button.dataset.index));
      this.#object('ratings').tax_grades = Object.fromEntries(rows);
      this.render();
      this.root.querySelector('button[data-action="add-tax"]')?.focus();
    }
  }

  #taxRows() {
    const rows = [];
    for (const row of this.root.querySelectorAll('[data-tax-row]')) {
      const year = row.querySelector('[data-role="tax-year"]').value.trim();
      const grade = row.querySelector('[data-role="tax-grade"]').value;
      rows.push([year, grade]);
    }
    return rows;
  }

  #rebuildTaxGrades() {
    const rows = this.#taxRows();
    this.#object('ratings').tax_grades = Object.fromEntries(rows);
    for (const [i, [year]] of rows.entries()) {
      const input = this.root.querySelector(`#tax-year-${i}`);
      if (input) input.dataset.path = `ratings.tax_grades.${year}`;
    }
  }

  #object(key) {
    if (!isObject(this.state[key])) this.state[key] = {};
    return this.state[key];
  }

  // Write one field at a dotted path such as `finance.tax_paid_12m` or `records[2].amount`.
  #set(path, value) {
    const parts = path.replace(/\[(\d+)\]/g, '.$1').split('.');
    let target = this.state;
    for (const part of parts.slice(0, -1)) {
      if (!isObject(target[part]) && !Array.isArray(target[part])) target[part] = {};
      target = target[part];
    }
    const last = parts[parts.length - 1];
    if (value === undefined) {
      delete target[last];
      // An optional section the last field left empty goes too, so "nothing entered" is absent.
      if ((parts[0] === 'ratings' || parts[0] === 'finance') && parts.length === 2 && Object.keys(target).length === 0) {
        delete this.state[parts[0]];
      }
    } else {
      target[last] = value;
    }
  }

  #checkUscc() {
    const hint = this.root.querySelector('#uscc-hint');
    if (!hint || !this.onUscc) return;
    const code = typeof this.state.uscc === 'string' ? this.state.uscc : '';
    if (!code) {
      hint.textContent = '';
      return;
    }
    const { ok, text } = this.onUscc(code);
    hint.textContent = text;
    hint.className = `hint field span-2 ${ok ? 'ok' : 'bad'}`;
  }
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
