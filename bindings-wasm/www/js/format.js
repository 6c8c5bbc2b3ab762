// Display formatting of the engine's decimal strings. Values stay strings end to end: grouping
// digits is done on the text, never through a float, so "12345678.90" prints exactly.

/** Group the integer digits of a decimal string: "1500000" → "1,500,000". */
export function groupDigits(text) {
  const value = String(text ?? '');
  const match = value.match(/^(-?)(\d+)(\.\d+)?$/);
  if (!match) return value;
  const [, sign, whole, fraction = ''] = match;
  return sign + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + fraction;
}

/** "¥1,500,000" for an amount in yuan. */
export function yuan(text) {
  return `¥${groupDigits(text)}`;
}

/** Today's date in the browser's time zone as YYYY-MM-DD (a default for the date inputs). */
export function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** A duration in milliseconds with a precision that fits its size. */
export function ms(value) {
  if (value === null || value === undefined) return '–';
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}
