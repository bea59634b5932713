import Documents
import Foundation
import Models
import Schema

/// The fast default extractor. For each field it collects the document's candidate spans whose
/// text is a value of the field's type, scores each with a linear model over `SpanFeatures`, and
/// chooses: a single-valued field takes the best candidate unless null scores higher (a softmax
/// over the candidates and null); a multi-valued field includes each candidate whose score beats
/// the field's threshold (independent logistic choices). Its probabilities are over values: a
/// value the document repeats counts once, with the score of its best occurrence
/// (`FieldOptions.groupByValue`).
///
/// Zero-shot, the weights are `SpanParameters.zeroShot`; tuning changes them per field.
public struct SpanExtractor: ExtractorPolicy {
    public let schema: Schema
    public let parameters: SpanParameters
    public let embedder: any TextEmbedder
    /// How to read ambiguous numeric dates; nil decides per document from its unambiguous ones.
    public let dates: DateOrder?
    /// With `dates` nil, the order for a document whose own dates do not settle it: the order the
    /// collection's documents agree on (a receipt that only says `09/01/2019` among receipts
    /// that say `25/12/2018`).
    public let collectionDates: DateOrder

    public init(
        schema: Schema, parameters: SpanParameters? = nil, embedder: any TextEmbedder, dates: DateOrder? = nil,
        collectionDates: DateOrder = .monthFirst
    ) {
        self.schema = schema
        self.parameters = parameters ?? .zeroShot(for: schema, embedder: embedder)
        self.embedder = embedder
        self.dates = dates
        self.collectionDates = collectionDates
    }

    /// `span/<parameters>/<encoder>`; the zero-shot parameters name the shipped prior too
    /// (`span/zero-shot.prior-1a2b3c4d/…`), so rows made by an older prior are extracted again.
    public var version: String {
        let name = parameters.version == SpanParameters.zeroShotVersion ? "\(parameters.version).\(SpanPrior.shipped.id)" : parameters.version
        return "span/\(name)/\(embedder.name)"
    }

    /// A document's candidates and features, per schema field (nil for fields the extractor does
    /// not fill: tables of sub-fields).
    public struct Prepared: Sendable {
        let fields: [FieldOptions?]
        let pageNumbers: [Int]
        /// How many options each field has, for reports and tests.
        public var optionCounts: [Int] { fields.map { $0?.count ?? 0 } }
        /// The values the extractor can choose from for the field at `index` of the schema (rows as
        /// objects for a table field): what it could answer at best.
        public func candidateValues(_ index: Int) -> [Value] { fields.indices.contains(index) ? fields[index]?.values ?? [] : [] }
    }

    // MARK: parameters

    public var parameterVector: [Double] {
        schema.fields.flatMap { field -> [Double] in
            let w = weights(field)
            return w.weights + [w.nullScore]
        }
    }

    /// Where each field's weights start in `parameterVector` (its null score follows them).
    private var offsets: [Int] {
        var offsets: [Int] = []
        var at = 0
        for field in schema.fields { offsets.append(at); at += SpanFeatures.width(of: field) + 1 }
        return offsets
    }

    public func with(parameterVector vector: [Double]) -> SpanExtractor {
        var p = parameters
        let starts = offsets
        for (f, field) in schema.fields.enumerated() {
            let start = starts[f], n = SpanFeatures.width(of: field)
            p.fields[field.name] = .init(
                weights: Array(vector[start..<start + n]), nullScore: vector[start + n],
                confidenceTemperature: p.fields[field.name]?.confidenceTemperature)
        }
        return SpanExtractor(schema: schema, parameters: p, embedder: embedder, dates: dates, collectionDates: collectionDates)
    }

    func weights(_ field: Field) -> SpanParameters.FieldWeights {
        if let w = parameters.fields[field.name], w.weights.count == SpanFeatures.width(of: field) { return w }
        return SpanFeatures.prior(for: field)
    }

    // MARK: preparing a document

    public func prepare(_ document: Document) -> Prepared {
        let finder = CandidateFinder(document: document)
        let candidates = finder.candidates()
        let order = dates ?? Self.dateOrder(of: candidates, fallback: collectionDates)
        var fields: [FieldOptions?] = []
        for field in schema.fields {
            guard let type = field.scalarType else {
                fields.append(FieldOptions(width: RowFeatures.count))
                continue
            }
            var options = SpanFeatures.options(for: field, type: type, candidates: candidates, dates: order)
            if type.pattern != nil || type.enumValues != nil {
                var seen = Set(options.spans.map { "\($0.page):\($0.start):\($0.end)" })
                let tokens = finder.tokens { Normalizer.value($0, as: type, dates: order).map { Validator.accepts($0, type) } ?? false }
                for t in tokens where seen.insert("\(t.page):\(t.start):\(t.end)").inserted {
                    options.values.append(Normalizer.value(t.text, as: type, dates: order)!)
                    options.spans.append(t)
                }
            }
            fields.append(options)
        }
        // Embed every distinct text once.
        var texts: [String: Int] = [:]
        var list: [String] = []
        func note(_ t: String) { if !t.isEmpty, texts[t] == nil { texts[t] = list.count; list.append(t) } }
        let queries = schema.fields.map(SpanFeatures.query)
        let names = schema.fields.map(SpanFeatures.name)
        queries.forEach(note)
        names.forEach(note)
        for options in fields.compactMap({ $0 }) {
            for c in options.spans { note(c.keyLeft); note(c.keyAbove); note(c.line); note(c.previous); note(c.text) }
        }
        let tables = schema.fields.map { field -> TableRowFinder? in
            guard case .table(let sub) = field.kind else { return nil }
            return TableRowFinder(field: field, subFields: sub, pages: finder.pages, dates: order)
        }
        for table in tables.compactMap({ $0 }) { table.headerTexts().forEach(note) }
        var vectors = embedder.embed(list)
        func similarity(_ a: String, _ b: String) -> Double {
            guard let i = texts[a], let j = texts[b] else { return 0 }
            var dot: Float = 0
            for k in vectors[i].indices { dot += vectors[i][k] * vectors[j][k] }
            return Double(dot)
        }
        // Table rows need the header similarities first; then their own texts are embedded.
        let rows = tables.map { $0?.rows(similarity: similarity) ?? [] }
        let embedded = list.count
        for row in rows.joined() { note(row.rowText); note(row.leadText) }
        if list.count > embedded { vectors += embedder.embed(Array(list[embedded...])) }
        for (f, table) in tables.enumerated() {
            guard let table else { continue }
            let others = queries.indices.filter { $0 != f && schema.fields[$0].scalarType != nil }.map { queries[$0] }
            var options = FieldOptions(width: RowFeatures.count)
            for row in rows[f] {
                options.values.append(.object(row.value))
                options.spans.append(row.first)
                options.cells.append(row.cells)
                options.features += RowFeatures.features(
                    row, subFields: table.subFields, query: queries[f], others: others,
                    similarity: similarity)
            }
            fields[f] = options
        }
        let match = PriorMatch(embedder: embedder.name, texts: texts, vectors: vectors)
        for f in fields.indices where fields[f] != nil && schema.fields[f].scalarType != nil {
            let others = queries.indices.filter { $0 != f && fields[$0] != nil }.map { queries[$0] }
            let field = match.field(queries[f])
            SpanFeatures.fill(
                &fields[f]!, query: queries[f], name: names[f], others: others,
                exampleKinds: SpanFeatures.exampleKinds(of: schema.fields[f]), similarity: similarity,
                match: { field($0) })
        }
        for f in fields.indices { fields[f]?.groupByValue() }
        return Prepared(fields: fields, pageNumbers: document.pages.map(\.number))
    }

    /// The order the document's unambiguous numeric dates say (`25/12/2018`), else `fallback`.
    static func dateOrder(of candidates: [SpanCandidate], fallback: DateOrder) -> DateOrder {
        ValueParser.dateOrder(of: candidates.lazy.filter { $0.kinds.contains(.date) }.map(\.text), fallback: fallback)
    }

    // MARK: the policy

    func scores(_ options: FieldOptions, _ w: SpanParameters.FieldWeights) -> [Double] {
        (0..<options.count).map { i in zip(options.features(i), w.weights).reduce(0) { $0 + $1.0 * $1.1 } }
    }

    /// Fields with several values (lists and tables): each option is included or not.
    private var isList: [Bool] {
        schema.fields.map { if case .scalar = $0.kind { false } else { true } }
    }

    /// The most probable answer in which no two single-valued fields take the same span: fields
    /// are served in order of their best candidate's lead over null, each taking its best span not
    /// taken yet (the only date of a receipt is its issue date or its due date, not both).
    public func decode(_ prepared: Prepared) -> Candidate {
        var decisions = [[Int]](repeating: [], count: schema.fields.count)
        var single: [(field: Int, ranked: [(option: Int, lead: Double)])] = []
        var fieldScores = [[Double]](repeating: [], count: schema.fields.count)
        for (f, field) in schema.fields.enumerated() {
            guard let options = prepared.fields[f] else { continue }
            let w = weights(field)
            let s = scores(options, w)
            fieldScores[f] = s
            if isList[f] {
                decisions[f] = options.representatives(s).enumerated().filter { s[$0.element] > w.nullScore }.map { options.groups[$0.offset][0] }
            } else {
                let ranked = s.indices.filter { s[$0] > w.nullScore }.map { ($0, s[$0] - w.nullScore) }.sorted { $0.1 > $1.1 }
                if !ranked.isEmpty { single.append((f, ranked)) }
            }
        }
        var taken = Set<SpanKey>()
        for (f, ranked) in single.sorted(by: { $0.ranked[0].lead > $1.ranked[0].lead }) {
            let spans = prepared.fields[f]!.spans
            if let pick = ranked.first(where: { !taken.contains(SpanKey(spans[$0.option])) }) {
                decisions[f] = [pick.option]
                taken.insert(SpanKey(spans[pick.option]))
            }
        }
        return candidate(decisions, prepared, scores: fieldScores, confidences: valueProbabilities(prepared, scores: fieldScores))
    }

    /// A span's place, to tell when two fields chose the same one.
    private struct SpanKey: Hashable {
        let page: Int, start: Int, end: Int
        init(_ c: SpanCandidate) { page = c.page; start = c.start; end = c.end }
    }

    public func sample(_ prepared: Prepared, count: Int, temperature: Double, using generator: inout SeededGenerator) -> [Candidate] {
        let t = max(temperature, 1e-6)
        let list = isList
        let fieldScores = schema.fields.enumerated().map { f, field in prepared.fields[f].map { scores($0, weights(field)) } }
        let choices = schema.fields.indices.map { f in fieldScores[f].map { prepared.fields[f]!.representatives($0) } ?? [] }
        return (0..<count).map { _ in
            var decisions: [[Int]] = []
            for (f, field) in schema.fields.enumerated() {
                guard let s = fieldScores[f] else { decisions.append([]); continue }
                let null = weights(field).nullScore
                if list[f] {
                    let groups = prepared.fields[f]!.groups
                    decisions.append(
                        choices[f].indices.filter { generator.unit() < Self.sigmoid((s[choices[f][$0]] - null) / t) }.map { groups[$0][0] })
                } else {
                    let logits = [null / t] + choices[f].map { s[$0] / t }
                    let top = logits.max()!
                    let p = logits.map { exp($0 - top) }
                    var u = generator.unit() * p.reduce(0, +)
                    var pick = p.count - 1
                    for (i, pi) in p.enumerated() { u -= pi; if u < 0 { pick = i; break } }
                    decisions.append(pick == 0 ? [] : [choices[f][pick - 1]])
                }
            }
            return candidate(decisions, prepared, scores: fieldScores.map { $0 ?? [] })
        }
    }

    public func logProbability(of candidate: Candidate, in prepared: Prepared) -> Double {
        blockLogProbabilities(of: candidate, in: prepared).reduce(0, +)
    }

    /// One block per field: a field's choice depends only on its own weights and null score.
    public var parameterBlocks: [ParameterBlock] {
        let starts = offsets
        return schema.fields.enumerated().map { f, field in
            ParameterBlock(range: starts[f]..<starts[f] + SpanFeatures.width(of: field) + 1, field: field.name)
        }
    }

    public func blockLogProbabilities(of candidate: Candidate, in prepared: Prepared) -> [Double] {
        let list = isList
        return schema.fields.enumerated().map { f, field in
            guard let options = prepared.fields[f] else { return 0 }
            let w = weights(field)
            let s = scores(options, w)
            let chosen = candidate.decisions[f], choices = options.representatives(s)
            if list[f] {
                let included = options.values(of: chosen)
                return choices.enumerated().reduce(0) { total, choice in
                    total + Self.logSigmoid(included.contains(choice.offset) ? s[choice.element] - w.nullScore : w.nullScore - s[choice.element])
                }
            }
            return (chosen.first.map { s[choices[options.group[$0]]] } ?? w.nullScore) - Self.logSumExp([w.nullScore] + choices.map { s[$0] })
        }
    }

    /// A list field's options are independent logistic choices: the log-probability of each
    /// option's decision, `log σ(±(s_i − null))`. Single-valued fields choose jointly (empty).
    public func optionLogProbabilities(of candidate: Candidate, in prepared: Prepared) -> [[Double]] {
        let list = isList
        return schema.fields.enumerated().map { f, field in
            guard list[f], let options = prepared.fields[f] else { return [] }
            let w = weights(field)
            let included = options.values(of: candidate.decisions[f])
            let s = scores(options, w)
            var result = [Double](repeating: 0, count: s.count)
            for (g, best) in options.representatives(s).enumerated() {
                result[options.groups[g][0]] = Self.logSigmoid(included.contains(g) ? s[best] - w.nullScore : w.nullScore - s[best])
            }
            return result
        }
    }

    public func optionGradient(of candidate: Candidate, in prepared: Prepared, weights optionWeights: [[Double]]) -> [Double] {
        let starts = offsets
        var g = [Double](repeating: 0, count: parameterVector.count)
        for (f, field) in schema.fields.enumerated() where isList[f] && f < optionWeights.count && !optionWeights[f].isEmpty {
            guard let options = prepared.fields[f] else { continue }
            let w = weights(field)
            let s = scores(options, w)
            let base = starts[f], n = SpanFeatures.width(of: field) + 1
            let included = options.values(of: candidate.decisions[f])
            for (group, i) in options.representatives(s).enumerated() {
                // A value's decision is keyed by its first occurrence; its score is its best one's.
                let key = options.groups[group][0]
                guard key < optionWeights[f].count, optionWeights[f][key] != 0 else { continue }
                // d/dz log σ(±z) with z = s − null, times the decision's weight.
                let r = optionWeights[f][key] * ((included.contains(group) ? 1 : 0) - Self.sigmoid(s[i] - w.nullScore))
                for (k, x) in options.features(i).enumerated() { g[base + k] += r * x }
                g[base + n - 1] -= r
            }
        }
        return g
    }

    public func gradient(of candidate: Candidate, in prepared: Prepared) -> [Double] {
        let starts = offsets
        var g = [Double](repeating: 0, count: parameterVector.count)
        let list = isList
        for (f, field) in schema.fields.enumerated() {
            guard let options = prepared.fields[f] else { continue }
            let w = weights(field)
            let s = scores(options, w)
            let base = starts[f]
            let n = SpanFeatures.width(of: field) + 1
            let chosen = candidate.decisions[f], choices = options.representatives(s)
            if list[f] {
                let included = options.values(of: chosen)
                for (group, i) in choices.enumerated() {
                    // d/dz log σ(±z) with z = s − null.
                    let r = (included.contains(group) ? 1 : 0) - Self.sigmoid(s[i] - w.nullScore)
                    for (k, x) in options.features(i).enumerated() { g[base + k] += r * x }
                    g[base + n - 1] -= r
                }
            } else {
                let lse = Self.logSumExp([w.nullScore] + choices.map { s[$0] })
                if let c = chosen.first {
                    for (k, x) in options.features(choices[options.group[c]]).enumerated() { g[base + k] += x }
                } else {
                    g[base + n - 1] += 1
                }
                g[base + n - 1] -= exp(w.nullScore - lse)
                for i in choices {
                    let p = exp(s[i] - lse)
                    for (k, x) in options.features(i).enumerated() { g[base + k] -= p * x }
                }
            }
        }
        return g
    }

    /// The answer closest to a labelled row, for supervised training (`quarry train`): a
    /// single-valued field takes its best-scoring option whose value equals the row's (null when
    /// the row has none); a list takes every option equal to one of the row's items. `fields`
    /// lists the fields the answer can teach: those whose labelled value some option gives (or
    /// that are null). Table fields are not taught.
    public func target(matching row: [String: Value], in prepared: Prepared) -> (candidate: Candidate, fields: Set<Int>) {
        var decisions = [[Int]](repeating: [], count: schema.fields.count)
        var fields = Set<Int>()
        for (f, field) in schema.fields.enumerated() {
            guard let options = prepared.fields[f], field.scalarType != nil else { continue }
            let gold: [Value] =
                switch row[field.name] ?? .null {
                case .null: []
                case .array(let items): items
                case let value: [value]
                }
            let matching = options.values.indices.filter { i in gold.contains { ValueMatch.pairs([options.values[i]], [$0]) == 1 } }
            if gold.isEmpty { fields.insert(f); continue }
            guard !matching.isEmpty else { continue }
            fields.insert(f)
            let s = scores(options, weights(field))
            if isList[f] {
                decisions[f] = options.values(of: matching).sorted().map { options.groups[$0][0] }
            } else {
                decisions[f] = [matching.max { s[$0] < s[$1] }!]
            }
        }
        return (candidate(decisions, prepared, scores: scoresOfFields(prepared)), fields)
    }

    /// The row and evidence for a set of decisions, and which item each decision became. A list's
    /// evidence quotes each value's best occurrence under `scores`; the evidence carries the
    /// chosen options' `confidences` when given.
    private func candidate(_ decisions: [[Int]], _ prepared: Prepared, scores: [[Double]], confidences: [[Double]]? = nil) -> Candidate {
        var row: [String: Value] = [:]
        var evidence: [Evidence] = []
        var items = decisions.map { _ in [Int]() }
        for (f, field) in schema.fields.enumerated() {
            guard let options = prepared.fields[f] else { row[field.name] = .null; continue }
            var values: [Value] = []
            if case .table = field.kind {
                for i in decisions[f] {
                    items[f].append(values.count)
                    for (sub, c) in options.cells[i].sorted(by: { $0.value.start < $1.value.start }) {
                        evidence.append(
                            Evidence(
                                field: "\(field.name)[\(values.count)].\(sub)", valueIndex: 0,
                                location: Location(page: prepared.pageNumbers[c.page], start: c.start, end: c.end),
                                quote: c.text, box: c.box, confidence: confidences?[f][i]))
                    }
                    values.append(options.values[i])
                }
                row[field.name] = .array(values)
                continue
            }
            let best = isList[f] && scores[f].count == options.count ? options.representatives(scores[f]) : nil
            for i in decisions[f] {
                let value = options.values[i]
                if let same = values.firstIndex(of: value) { items[f].append(same); continue }
                items[f].append(values.count)
                let c = options.spans[best?[options.group[i]] ?? i]
                evidence.append(
                    Evidence(
                        field: field.name, valueIndex: values.count,
                        location: Location(page: prepared.pageNumbers[c.page], start: c.start, end: c.end), quote: c.text, box: c.box,
                        confidence: confidences?[f][i]))
                values.append(value)
            }
            row[field.name] = isList[f] ? .array(values) : (values.first ?? .null)
        }
        var result = Candidate(row: row, evidence: evidence, logProbability: 0, decisions: decisions, decisionItems: items)
        result.logProbability = logProbability(of: result, in: prepared)
        return result
    }

    static func sigmoid(_ x: Double) -> Double { x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)) }
    static func logSigmoid(_ x: Double) -> Double { x >= 0 ? -log1p(exp(-x)) : x - log1p(exp(x)) }
    static func logSumExp(_ xs: [Double]) -> Double {
        let top = xs.max() ?? 0
        return top + log(xs.reduce(0) { $0 + exp($1 - top) })
    }
}
