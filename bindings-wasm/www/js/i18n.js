// Interface strings in Chinese (the default) and English, and the language switch.
// Engine outputs carry their own {zh, en} texts; this table only covers the page chrome.

const STRINGS = {
  zh: {
    'site.title': '企业信用自查',
    'site.sub': '公共信用综合评价 · 本地计算',
    'nav.selfCheck': '信用自查',
    'nav.graph': '关系图谱',
    'lang.switch': 'English',
    'lang.switchLabel': 'Switch to English',
    'notice.local': '所有计算均在本浏览器内完成，数据不会发送到任何地方。',
    'skip': '跳到主要内容',
    'loading': '正在加载评价引擎…',
    'engine.missing': '未找到评价引擎（WebAssembly 构建）。请先运行 make wasm-build，再用 make serve 打开本页。',
    'engine.ready': '评价引擎已就绪',
    // self-check
    'sc.title': '企业信用自查',
    'sc.lead': '填写或导入企业信息与信用记录，查看评分、等级、各维度得分、主要原因、修复计划和可匹配的融资产品。',
    'sc.input': '企业信息录入',
    'sc.load': '导入 JSON',
    'sc.loadFile': '选择 JSON 文件',
    'sc.loadText': '或粘贴企业 JSON',
    'sc.loadApply': '导入并评价',
    'sc.sample': '示例企业',
    'sc.samplePick': '— 选择示例 —',
    'sc.sampleLoad': '载入示例',
    'sc.basic': '基本信息',
    'sc.uscc': '统一社会信用代码',
    'sc.name': '企业名称',
    'sc.established': '成立日期',
    'sc.status': '登记状态',
    'sc.capital': '注册资本（元）',
    'sc.industry': '行业代码',
    'sc.region': '行政区划代码',
    'sc.size': '企业规模',
    'sc.ratings': '外部评级',
    'sc.taxGrades': '纳税信用等级',
    'sc.taxYear': '年度',
    'sc.taxGrade': '等级',
    'sc.addTaxGrade': '添加年度',
    'sc.customs': '海关信用',
    'sc.samr': '市场监管风险分类',
    'sc.finance': '经营指标',
    'sc.taxPaid': '近 12 个月纳税（元）',
    'sc.revenue': '近 12 个月开票收入（元）',
    'sc.lastTax': '最近一次纳税日期',
    'sc.headcount': '社保参保人数',
    'sc.siMonths': '近 12 个月社保缴纳月数',
    'sc.loans': '现有贷款余额（元）',
    'sc.records': '信用记录',
    'sc.addRecord': '添加',
    'sc.remove': '删除',
    'sc.noRecords': '暂无记录。',
    'sc.asOf': '评价日期',
    'sc.demand': '融资需求',
    'sc.amount': '申请金额（元）',
    'sc.term': '期限（月）',
    'sc.collateral': '担保方式',
    'sc.evaluate': '开始评价',
    'sc.reset': '清空',
    'sc.dateHint': '格式 YYYY-MM-DD',
    'sc.optional': '（可选）',
    'sc.unset': '— 未填 —',
    'sc.usccOk': '代码有效',
    'sc.result': '评价结果',
    'sc.score': '综合得分',
    'sc.grade': '信用等级',
    'sc.gradeByScore': '按分数等级',
    'sc.model': '评价模型',
    'sc.vetoes': '一票否决',
    'sc.dimensions': '各维度得分',
    'sc.reasons': '主要扣分原因',
    'sc.noReasons': '没有扣分原因。',
    'sc.pointsLost': '扣分',
    'sc.veto': '否决',
    'sc.records.ref': '涉及记录',
    'sc.plan': '信用修复与提升计划',
    'sc.noPlan': '没有可执行的修复步骤。',
    'sc.planRecord': '记录',
    'sc.planAction': '措施',
    'sc.planFrom': '可办理日期',
    'sc.planGain': '提升分值',
    'sc.planAfter': '完成后',
    'sc.planTotal': '全部完成后',
    'sc.products': '可匹配的融资产品（示例目录）',
    'sc.offers': '符合条件的产品',
    'sc.noOffers': '暂无符合条件的产品。',
    'sc.nearMisses': '接近符合的产品',
    'sc.limit': '预估额度',
    'sc.rate': '预估年利率',
    'sc.planCloses': '完成修复计划后可符合',
    'sc.planNotCloses': '修复计划无法弥补',
    'sc.closableFrom': '最早',
    'sc.json': '评价结果 JSON',
    'sc.download': '下载 JSON',
    'sc.timings': '引擎加载 {instantiate} ms · 本次评价 {evaluate} ms',
    'sc.empty': '填写左侧表单或导入 JSON 后点击“开始评价”。',
    'error.title': '无法评价',
    'error.kind': '错误类型',
    'error.path': '位置',
    'error.json': 'JSON 格式错误',
    // graph
    'g.title': '企业关系图谱',
    'g.lead': '导入股权、控制、任职和担保关系，查看关系图、担保圈、受益所有人和实际控制人。',
    'g.input': '关系数据',
    'g.file': '选择文件（JSON Lines 或 CSV）',
    'g.text': '或粘贴关系数据',
    'g.format': '格式',
    'g.formatAuto': '自动识别',
    'g.sample': '示例图谱',
    'g.sampleLoad': '载入示例',
    'g.asOf': '担保分析日期',
    'g.draw': '绘制并分析',
    'g.drawing': '关系图',
    'g.graphLabel': '企业关系图：{nodes} 个节点，{edges} 条关系',
    'g.tooLarge': '节点超过 {max} 个，只列出分析结果，不绘制图形。',
    'g.circles': '担保圈',
    'g.noCircles': '未发现担保圈。',
    'g.circle': '担保圈 {id}（{size} 家）',
    'g.mutual': '互保',
    'g.cycles': '担保环',
    'g.chains': '圈外担保链',
    'g.hops': '{hops} 跳',
    'g.owners': '受益所有人',
    'g.noOwners': '未识别出受益所有人。',
    'g.basis.ownership': '持股',
    'g.basis.control': '控制',
    'g.basis.senior_manager': '高级管理人员',
    'g.basis.legal_representative': '法定代表人',
    'g.basis.none': '无',
    'g.controllers': '实际控制人',
    'g.unresolvable': '无法求解的持股环',
    'g.closeLinks': '紧密关联',
    'g.groups': '集团客户',
    'g.group': '集团 {id}（{size} 家）',
    'g.noGroups': '未识别出集团客户。',
    'g.hub': '{person} 在 {firms} 家企业任职，超过上限，未用于归并',
    'g.tie.control': '控制',
    'g.tie.common_controller': '共同控制人',
    'g.tie.key_person': '共同关键人员',
    'g.tie.mutual_guarantee': '互保',
    'g.report': '构建报告',
    'g.implied': '推定企业',
    'g.merged': '合并的重复关系',
    'g.active': '有效担保',
    'g.inactive': '失效担保',
    'g.legend.enterprise': '企业',
    'g.legend.person': '自然人',
    'g.legend.circle': '担保圈成员',
    'g.legend.owner': '受益所有人',
    'g.legend.share': '持股',
    'g.legend.guarantee': '担保',
    'g.legend.circleEdge': '圈内担保',
    'g.legend.other': '其他关系',
    'g.empty': '载入示例或导入关系数据后点击“绘制并分析”。',
    'g.summary': '{nodes} 个节点，{edges} 条关系，{circles} 个担保圈',
  },
  en: {
    'site.title': 'Enterprise credit self-check',
    'site.sub': 'Public credit evaluation · computed locally',
    'nav.selfCheck': 'Self-check',
    'nav.graph': 'Relationships',
    'lang.switch': '中文',
    'lang.switchLabel': '切换到中文',
    'notice.local': 'Everything is computed in this browser; no data is sent anywhere.',
    'skip': 'Skip to main content',
    'loading': 'Loading the evaluation engine…',
    'engine.missing': 'The evaluation engine (WebAssembly build) was not found. Run make wasm-build, then open this page with make serve.',
    'engine.ready': 'Evaluation engine ready',
    'sc.title': 'Enterprise credit self-check',
    'sc.lead': 'Enter or load an enterprise and its credit records to see its score, grade, dimension subtotals, principal reasons, improvement plan and matching financing products.',
    'sc.input': 'Enterprise data',
    'sc.load': 'Load JSON',
    'sc.loadFile': 'Choose a JSON file',
    'sc.loadText': 'or paste an enterprise JSON document',
    'sc.loadApply': 'Load and evaluate',
    'sc.sample': 'Sample enterprises',
    'sc.samplePick': '— choose a sample —',
    'sc.sampleLoad': 'Load sample',
    'sc.basic': 'Basic information',
    'sc.uscc': 'Unified Social Credit Code',
    'sc.name': 'Registered name',
    'sc.established': 'Established on',
    'sc.status': 'Registration status',
    'sc.capital': 'Registered capital (yuan)',
    'sc.industry': 'Industry code',
    'sc.region': 'Administrative division',
    'sc.size': 'Size class',
    'sc.ratings': 'Ratings',
    'sc.taxGrades': 'Tax credit grades',
    'sc.taxYear': 'Year',
    'sc.taxGrade': 'Grade',
    'sc.addTaxGrade': 'Add a year',
    'sc.customs': 'Customs credit class',
    'sc.samr': 'SAMR risk class',
    'sc.finance': 'Financial signals',
    'sc.taxPaid': 'Tax paid, last 12 months (yuan)',
    'sc.revenue': 'Invoiced revenue, last 12 months (yuan)',
    'sc.lastTax': 'Last tax payment on',
    'sc.headcount': 'Social-insurance headcount',
    'sc.siMonths': 'Months of social insurance paid (of 12)',
    'sc.loans': 'Existing loans (yuan)',
    'sc.records': 'Credit records',
    'sc.addRecord': 'Add',
    'sc.remove': 'Remove',
    'sc.noRecords': 'No records.',
    'sc.asOf': 'Evaluation date',
    'sc.demand': 'Financing demand',
    'sc.amount': 'Amount requested (yuan)',
    'sc.term': 'Term (months)',
    'sc.collateral': 'Collateral',
    'sc.evaluate': 'Evaluate',
    'sc.reset': 'Clear',
    'sc.dateHint': 'Format YYYY-MM-DD',
    'sc.optional': '(optional)',
    'sc.unset': '— not given —',
    'sc.usccOk': 'Valid code',
    'sc.result': 'Evaluation',
    'sc.score': 'Score',
    'sc.grade': 'Credit grade',
    'sc.gradeByScore': 'Grade by score',
    'sc.model': 'Model',
    'sc.vetoes': 'Vetoes',
    'sc.dimensions': 'Dimension subtotals',
    'sc.reasons': 'Principal reasons',
    'sc.noReasons': 'No points were lost.',
    'sc.pointsLost': 'points lost',
    'sc.veto': 'veto',
    'sc.records.ref': 'records',
    'sc.plan': 'Improvement plan',
    'sc.noPlan': 'No repair step is available.',
    'sc.planRecord': 'Record',
    'sc.planAction': 'Action',
    'sc.planFrom': 'Possible from',
    'sc.planGain': 'Gain',
    'sc.planAfter': 'Afterwards',
    'sc.planTotal': 'Once every step is taken',
    'sc.products': 'Matching financing products (sample catalog)',
    'sc.offers': 'Eligible products',
    'sc.noOffers': 'No product is eligible.',
    'sc.nearMisses': 'Near misses',
    'sc.limit': 'Estimated limit',
    'sc.rate': 'Estimated rate',
    'sc.planCloses': 'The improvement plan makes it eligible',
    'sc.planNotCloses': 'The improvement plan cannot close every gap',
    'sc.closableFrom': 'from',
    'sc.json': 'Evaluation JSON',
    'sc.download': 'Download JSON',
    'sc.timings': 'engine loaded in {instantiate} ms · this evaluation {evaluate} ms',
    'sc.empty': 'Fill in the form or load a JSON document, then choose “Evaluate”.',
    'error.title': 'Could not evaluate',
    'error.kind': 'Error kind',
    'error.path': 'Where',
    'error.json': 'The JSON text does not parse',
    'g.title': 'Enterprise relationship graph',
    'g.lead': 'Load shareholdings, control, key roles and guarantees to see the graph, guarantee circles, beneficial owners and ultimate controllers.',
    'g.input': 'Relationship data',
    'g.file': 'Choose a file (JSON Lines or CSV)',
    'g.text': 'or paste the relationship data',
    'g.format': 'Format',
    'g.formatAuto': 'Detect',
    'g.sample': 'Sample graphs',
    'g.sampleLoad': 'Load sample',
    'g.asOf': 'Guarantee analysis date',
    'g.draw': 'Draw and analyse',
    'g.drawing': 'Graph',
    'g.graphLabel': 'Relationship graph: {nodes} nodes, {edges} relations',
    'g.tooLarge': 'More than {max} nodes: the analyses are listed but the graph is not drawn.',
    'g.circles': 'Guarantee circles',
    'g.noCircles': 'No guarantee circle found.',
    'g.circle': 'Circle {id} ({size} firms)',
    'g.mutual': 'Mutual guarantees',
    'g.cycles': 'Cycles',
    'g.chains': 'Chains into the circle',
    'g.hops': '{hops} hops',
    'g.owners': 'Beneficial owners',
    'g.noOwners': 'No beneficial owner identified.',
    'g.basis.ownership': 'ownership',
    'g.basis.control': 'control',
    'g.basis.senior_manager': 'senior manager',
    'g.basis.legal_representative': 'legal representative',
    'g.basis.none': 'none',
    'g.controllers': 'Ultimate controllers',
    'g.unresolvable': 'Unresolvable ownership cycles',
    'g.closeLinks': 'Close links',
    'g.groups': 'Group clients',
    'g.group': 'Group {id} ({size} firms)',
    'g.noGroups': 'No group clients found.',
    'g.hub': '{person} holds roles in {firms} firms, above the cap: not used to group them',
    'g.tie.control': 'control',
    'g.tie.common_controller': 'common controller',
    'g.tie.key_person': 'common key person',
    'g.tie.mutual_guarantee': 'mutual guarantee',
    'g.report': 'Build report',
    'g.implied': 'Implied enterprises',
    'g.merged': 'Duplicate relations merged',
    'g.active': 'Active guarantees',
    'g.inactive': 'Inactive guarantees',
    'g.legend.enterprise': 'Enterprise',
    'g.legend.person': 'Person',
    'g.legend.circle': 'Circle member',
    'g.legend.owner': 'Beneficial owner',
    'g.legend.share': 'Shareholding',
    'g.legend.guarantee': 'Guarantee',
    'g.legend.circleEdge': 'Guarantee inside a circle',
    'g.legend.other': 'Other relation',
    'g.empty': 'Load a sample or your own data, then choose “Draw and analyse”.',
    'g.summary': '{nodes} nodes, {edges} relations, {circles} guarantee circles',
  },
};

// Code lists shown in the form, with their readable names; the values are the engine's codes.
export const CODES = {
  status: { operating: ['存续（在业）', 'Operating'], suspended: ['停业', 'Suspended'], liquidating: ['清算', 'Liquidating'], revoked: ['吊销', 'Revoked'], cancelled: ['注销', 'Cancelled'], moved_out: ['迁出', 'Moved out'] },
  size: { micro: ['微型', 'Micro'], small: ['小型', 'Small'], medium: ['中型', 'Medium'], large: ['大型', 'Large'] },
  taxGrade: { A: ['A', 'A'], B: ['B', 'B'], M: ['M（新设）', 'M (new firm)'], C: ['C', 'C'], D: ['D', 'D'] },
  customs: { advanced_certified: ['高级认证企业', 'Advanced certified (AEO)'], ordinary: ['一般信用企业', 'Ordinary'], dishonest: ['失信企业', 'Dishonest'] },
  samr: { A: ['A 低风险', 'A low'], B: ['B 一般风险', 'B ordinary'], C: ['C 较高风险', 'C elevated'], D: ['D 高风险', 'D high'] },
  kind: { penalty: ['行政处罚', 'Penalty'], listing: ['名单状态', 'Listing'], arrears: ['欠税欠费', 'Arrears'], honour: ['荣誉与认定', 'Honour'], commitment: ['信用承诺', 'Commitment'] },
  severity: { minor: ['轻微', 'Minor'], ordinary: ['一般', 'Ordinary'], serious: ['严重', 'Serious'] },
  domain: { food: ['食品', 'Food'], drug: ['药品', 'Drug'], safety: ['安全生产', 'Safety'], fire: ['消防', 'Fire'], environment: ['生态环境', 'Environment'], special_equipment: ['特种设备', 'Special equipment'], tax: ['税务', 'Tax'], other: ['其他', 'Other'] },
  measure: { warning: ['警告', 'Warning'], criticism: ['通报批评', 'Criticism'], fine: ['罚款', 'Fine'], confiscation: ['没收', 'Confiscation'], licence_suspension: ['暂扣许可证件', 'Licence suspension'], licence_revocation: ['吊销许可证件', 'Licence revocation'], closure: ['责令关闭', 'Closure'], other: ['其他', 'Other'] },
  list: { abnormal_operation: ['经营异常名录', 'Abnormal operation'], serious_violation: ['严重违法失信名单', 'Serious violation'], dishonest_debtor: ['失信被执行人', 'Dishonest judgment debtor'], judgment_debtor: ['被执行人', 'Judgment debtor'], consumption_restriction: ['限制高消费', 'Consumption restriction'], major_tax_violation: ['重大税收违法失信主体', 'Major tax violation'], tax_abnormal: ['非正常户', 'Abnormal taxpayer'], social_insurance_dishonest: ['社会保险领域严重失信', 'Social-insurance dishonesty'], customs_dishonest: ['海关失信企业', 'Customs dishonesty'] },
  arrears: { tax: ['欠税', 'Tax'], social_insurance: ['社保欠费', 'Social insurance'], housing_fund: ['公积金欠缴', 'Housing fund'], utility: ['水电气欠费', 'Utility'] },
  honour: { contract_abiding: ['守合同重信用', 'Contract-abiding'], high_tech: ['高新技术企业', 'High-tech enterprise'], specialised_sme: ['专精特新', 'Specialised SME'], aeo: ['海关高级认证', 'Customs AEO'], other: ['其他荣誉', 'Other honour'] },
  commitmentStatus: { pending: ['待履行', 'Pending'], fulfilled: ['已践诺', 'Fulfilled'], breached: ['已违诺', 'Breached'] },
  collateral: { none: ['信用（无担保）', 'None (credit)'], guarantee: ['保证', 'Guarantee'], mortgage: ['抵押', 'Mortgage'] },
};

// Record field labels, shared by the form.
export const FIELD_LABELS = {
  kind: ['记录类型', 'Record kind'],
  id: ['记录编号', 'Record id'],
  severity: ['严重程度', 'Severity'],
  decided_on: ['处罚决定日期', 'Decided on'],
  domain: ['领域', 'Domain'],
  measure: ['处罚种类', 'Measure'],
  amount: ['金额（元）', 'Amount (yuan)'],
  authority: ['处罚机关', 'Authority'],
  disclosure_end: ['公示截止日期', 'Disclosure end'],
  repaired_on: ['信用修复日期', 'Repaired on'],
  list: ['名单', 'List'],
  listed_on: ['列入日期', 'Listed on'],
  removed_on: ['移出日期', 'Removed on'],
  ground: ['列入事由', 'Ground'],
  arrears: ['欠费类型', 'Arrears type'],
  since: ['欠费起始日期', 'Since'],
  paid_on: ['缴清日期', 'Paid on'],
  honour: ['荣誉类型', 'Honour'],
  awarded_on: ['认定日期', 'Awarded on'],
  expires_on: ['有效期至', 'Expires on'],
  made_on: ['承诺日期', 'Made on'],
  status: ['履行状态', 'Status'],
  resolved_on: ['履行或违诺日期', 'Resolved on'],
};

const STORAGE_KEY = 'xinyong.lang';
let current = initialLang();

function initialLang() {
  const fromUrl = new URLSearchParams(globalThis.location?.search ?? '').get('lang');
  if (fromUrl === 'zh' || fromUrl === 'en') return fromUrl;
  try {
    const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (stored === 'zh' || stored === 'en') return stored;
  } catch {
    // Storage may be disabled (private mode, file://): fall back to the default.
  }
  return 'zh';
}

/** The current interface language, "zh" or "en". */
export function lang() {
  return current;
}

/** The interface string `key`, with `{name}` placeholders filled from `vars`. */
export function t(key, vars = {}) {
  const text = STRINGS[current][key] ?? STRINGS.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
}

/** The readable name of an engine code from one of the CODES lists (the code itself if unknown). */
export function codeName(list, code) {
  const names = CODES[list]?.[code];
  return names ? names[current === 'zh' ? 0 : 1] : String(code);
}

/** A record field's label. */
export function fieldLabel(field) {
  const names = FIELD_LABELS[field];
  return names ? names[current === 'zh' ? 0 : 1] : field;
}

/** Pick the text of a `{zh, en}` object in the current language. */
export function pick(texts) {
  if (!texts || typeof texts !== 'object') return '';
  return texts[current] ?? texts.zh ?? texts.en ?? '';
}

/** Translate every element marked with data-i18n (text) or data-i18n-attr ("attr:key;attr:key"). */
export function applyStrings(root = document) {
  document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n);
  }
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':');
      if (attr && key) el.setAttribute(attr.trim(), t(key.trim()));
    }
  }
}

/** Switch the language, remember it, retranslate and tell the page (a "langchange" event). */
export function setLang(next) {
  current = next === 'en' ? 'en' : 'zh';
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, current);
  } catch {
    // Not remembered when storage is unavailable; the switch still applies to this page.
  }
  applyStrings();
  document.dispatchEvent(new CustomEvent('langchange', { detail: current }));
}

/** Wire the header's language button. */
export function installSwitch(button) {
  button.addEventListener('click', () => setLang(current === 'zh' ? 'en' : 'zh'));
}
