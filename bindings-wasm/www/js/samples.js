// The bundled samples: copies of the repository's fixtures placed in `www/samples/` by
// `make www-samples` (which `make serve` and the browser test run). The pages work without
// them; the sample choosers are then hidden.

const INDEX_URL = new URL('../samples/index.json', import.meta.url);

/** {enterprises: [{file, label, as_of, url}], graphs: [...]}; empty lists when not copied. */
export async function loadSamples() {
  try {
    const response = await fetch(INDEX_URL);
    if (!response.ok) return { enterprises: [], graphs: [] };
    const index = await response.json();
    const withUrl = (list) => (Array.isArray(list) ? list : []).map((s) => ({
      ...s,
      url: new URL(`../samples/${s.file}`, import.meta.url).href,
    }));
    return { enterprises: withUrl(index.enterprises), graphs: withUrl(index.graphs) };
  } catch {
    return { enterprises: [], graphs: [] };
  }
}
