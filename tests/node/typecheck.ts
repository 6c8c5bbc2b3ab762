// A small consumer of the package, type-checked with `tsc --noEmit` (never run): it fails to
// compile when an export disappears, changes its parameters, or stops returning the typed
// shapes of types/xinyong.d.ts. The web build's declarations are checked through the package's
// "./web" export, the Node build's through the main export.
import * as node from 'xinyong';
import * as web from 'xinyong/web';
import type {
  BeneficialOwners, Demand, DemandMatch, Enterprise, ErrorKind, Evaluation, EvaluationEntry, GraphAnalysis, Grading, GradingEntry,
  Groups, GuaranteeAnalysis, IvTable, Ks, RelatedParty, RelatedPartyCause, UsccCheck,
} from 'xinyong/web';

const enterprise = { uscc: '91350200155000013M', name: '厦门明德科技有限公司', established_on: '2015-03-10' };

function useEvaluation(e: Evaluation): string {
  const reasons: string[] = e.reasons.map((r) => `${r.code} ${r.text.zh} ${r.points_lost ?? ''}`);
  const steps: string[] = e.plan.steps.map((s) => `${s.possible_from} +${s.gain} ${s.grade_after}`);
  return [e.score, e.grade, e.grade_label.en, ...e.dimensions.map((d) => d.points), ...reasons, ...steps].join();
}

export async function browser(): Promise<string> {
  await web.default({ module_or_path: new URL('xinyong_wasm_bg.wasm', import.meta.url) });
  const evaluator = new web.Evaluator();
  const one: Evaluation = evaluator.evaluate(enterprise, '2026-06-30');
  const many: EvaluationEntry[] = evaluator.evaluateMany([enterprise, JSON.stringify(enterprise)], '2026-06-30');
  const withContexts: EvaluationEntry[] = evaluator.evaluateMany([enterprise], '2026-06-30', { [enterprise.uscc]: { dishonest_within_1: 0 } });
  const failed = many.flatMap((m) => (m.error ? [m.error.kind] : []));
  const grading: Grading = evaluator.grade(enterprise, '2026-06-30');
  const gradings: GradingEntry[] = evaluator.gradeMany([enterprise], '2026-06-30', { [enterprise.uscc]: { dishonest_within_1: 0 } });
  const vetoes: string[] = [...grading.vetoes, ...gradings.flatMap((g) => (g.grading ? [g.grading.score] : []))];
  const kinds: ErrorKind[] = web.errorKinds();
  return useEvaluation(one) + failed.join() + kinds.join() + withContexts.length + vetoes.join();
}

export function nodeApi(): unknown[] {
  const evaluator = new node.Evaluator(node.defaultModelJson());
  const golden: string = evaluator.evaluateJson(JSON.stringify(enterprise), '2026-06-30');
  const report: string = evaluator.explain(enterprise, '2026-06-30', 'en');
  const context: RelatedParty = { dishonest_within_1: 1, dishonest_within_2: 1, debt_rank_distress: '0.2' };
  const related: Evaluation = evaluator.evaluate(enterprise, '2026-06-30', context);
  const causes: RelatedPartyCause[] = related.contributions.flatMap((c) => c.related ?? []);
  const withContext: string = evaluator.evaluateJson(JSON.stringify(enterprise), '2026-06-30', JSON.stringify(context));
  const lines = evaluator.evaluateJsonl(new Uint8Array([0x7b, 0x7d]), '2026-06-30');
  const problems = node.validateModel('{}').map((p) => p.path);
  const code: UsccCheck = node.validateUscc('91350200155000013M', true);
  const pseudonym: string = node.personKey('11010119900307109X', new Uint8Array(16)) + node.redact('');

  const graph = node.Graph.fromJsonl('', { oversubscribed: 'renormalise' });
  const doc: GraphAnalysis = graph.analysis();
  const owners: BeneficialOwners = graph.beneficialOwners('91350200155000013M');
  const circles: GuaranteeAnalysis = graph.guaranteeCircles('2026-06-30', { '91350200155000013M': '100' });
  const contagion = graph.contagion('2026-06-30', ['91350200155000013M']).total_impact;
  const groups: Groups = graph.groups('2026-06-30', { key_roles: ['director'], max_person_firms: 5 });
  const drawing = [graph.nodes().map((n) => n.key), graph.edges().map((e) => e.relation)];
  const fromCsv = node.Graph.fromCsv('kind,from,to\n').report().implied_enterprises;

  const matcher = new node.Matcher(node.sampleCatalogJson(), { near_misses: 5 });
  const matched: DemandMatch = matcher.matchDemand({ enterprise }, '2026-06-30');
  const offers = matched.eligible.map((o) => o.rate_percent);
  const entries = matcher.matchMany([{ enterprise }], '2026-06-30').map((m) => m.match?.grade);
  const linked: node.Matcher = matcher.withGraph(graph);
  const facts: DemandMatch = linked.matchDemand({ enterprise, guarantor: '91440100874823905J' }, '2026-06-30');
  const fromGraph: boolean = linked.hasGraph && !matcher.hasGraph;

  const firms: Enterprise[] = node.synthRegistry(5, 7, '2026-06-30', 3);
  const asked: Demand[] = node.synthDemands(5, 7n);
  const synthText: string = node.synthRegistryJsonl(5) + node.synthDemandsJsonl(5, 7, undefined, 3);
  const synthMatcher = new node.Matcher(node.synthCatalogJson(4, 7, node.defaultModelJson()));
  const synthMatched = synthMatcher.matchMany(asked, '2026-06-30').length + firms.length + synthText.length;

  const card = node.Scorecard.fromPmml('<PMML/>');
  const scored = card.score({ age: 30, department: 'engineering', income: null });
  const ks: Ks = node.ks([1, 2], [0, 1]);
  const auc: number = node.auc([1, 2], [0, 1], 'higher_is_good');
  const iv: IvTable = node.woeIv([10, 20], [5, 1], { convention: 'bad_over_good' });
  const psi = node.psi([1, 2], [2, 1]);
  const hl = node.hosmerLemeshow([0.1, 0.2, 0.3], [0, 1, 0], 3).p_value;
  const light = node.binomialTest(1, 100, 0.01).light;
  const cuts: number[] = node.calibrateCutoffs([1, 2, 3], [0.5, 0.5]);
  const moves = node.migration(['A'], ['B'], ['A', 'B']).downgrades;

  return [golden, report, causes, withContext, lines, problems, code, pseudonym, doc, owners, circles, contagion, groups, drawing, fromCsv,
    offers, entries, facts, fromGraph, synthMatched, scored.score, ks, auc, iv, psi, hl, light, cuts, moves, card.toPmml(), node.version()];
}

// @ts-expect-error: the language is typed, not any string.
new node.Evaluator().explain(enterprise, '2026-06-30', 'fr');
// @ts-expect-error: the direction of a metric is typed.
node.auc([1], [0], 'upwards');
// @ts-expect-error: a seed is a number or a bigint.
node.synthRegistry(5, '7');
