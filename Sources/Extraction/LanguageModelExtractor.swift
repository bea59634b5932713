import ConstrainedDecoding
import Documents
import Foundation
import Models
import Schema

/// The generative extractor: the embedded language model reads the schema and the relevant parts
/// of the document (`ExtractionPrompt`) and writes the row as JSON under `JSONConstraint`, so the
/// output always parses and has the schema's keys and types. In grounded mode (the default) text
/// values must be copied from the excerpt it read, and date and number fields choose among the
/// dates and numbers written there (`mentionSchema`), so it can copy but cannot invent. Every
/// value it keeps has its evidence in the document.
///
/// As a policy: `decode` is greedy; `sample` draws whole rows token by token from the constrained
/// softmax at a temperature, evaluating the prompt once; a candidate's log-probability is the sum
/// of its tokens' log-probabilities at temperature 1 under the constraint, and its `decisions` are
/// the generated token ids. The network's weights are not tuned here, so `parameterVector` is
/// empty and the gradient has no components.
public struct LanguageModelExtractor: ExtractorPolicy {
    /// What is computed once per document: the prompt, its tokens and the grounding text.
    public struct Prepared: Sendable {
        public let document: Document
        public let prompt: ExtractionPrompt
        public let tokens: [Int]
        let grounding: GroundingText?
        /// The schema the constraint enforces (typed fields turned into choices among the document's mentions when grounded).
        let constrained: Schema
        let dates: DateOrder
    }

    /// Settings that change what the extractor produces (they are part of `version`).
    public struct Options: Sendable, Equatable {
        /// Tokens of document text the prompt may hold.
        public var documentTokens = 1536
        /// Copy text values from the document.
        public var grounded = true
        /// The most tokens of JSON to write.
        public var maxTokens = 512
        /// How to read ambiguous numeric dates; nil decides per document.
        public var dates: DateOrder?
        /// With `dates` nil, the order for a document whose own dates do not settle it (the collection's).
        public var collectionDates = DateOrder.monthFirst
        /// Tokens the prompt and the answer must fit in; nil: the model's training context (at most 8192).
        public var contextTokens: Int?

        public init() {}
    }

    public let schema: Schema
    public let model: LanguageModel
    public let options: Options
    let vocabulary: ConstraintVocabulary
    let embedder: (any TextEmbedder)?

    public init(schema: Schema, model: LanguageModel, embedder: (any TextEmbedder)? = nil, options: Options = Options()) {
        self.schema = schema
        self.model = model
        self.options = options
        self.embedder = embedder
        vocabulary = ConstraintVocabulary(model: model)
    }

    public var version: String {
        let file = ((model.path as NSString).lastPathComponent as NSString).deletingPathExtension
        return "llm:\(file)" + (options.grounded ? "" : ":free")
            + (options.documentTokens == Options().documentTokens ? "" : ":\(options.documentTokens)")
    }

    /// The tokens a prompt and its answer may take.
    var context: Int { min(options.contextTokens ?? model.network.configuration.contextLength, 8192) }

    public var parameterVector: [Double] { [] }
    public func with(parameterVector: [Double]) -> LanguageModelExtractor { self }
    public func gradient(of candidate: Candidate, in prepared: Prepared) -> [Double] { [] }

    public func prepare(_ document: Document) -> Prepared {
        // The excerpt gets what the context leaves after the instructions and the answer.
        let context = self.context
        let empty = Document(kind: document.kind, pages: [])
        let overhead = promptTokens(
            ExtractionPrompt(
                schema: schema, fields: answerOrder, document: empty,
                tokenizer: model.tokenizer, budget: 0, embedder: nil)
        ).count
        let budget = max(0, min(options.documentTokens, context - overhead - options.maxTokens - 8))
        let prompt = ExtractionPrompt(
            schema: schema, fields: answerOrder, document: document, tokenizer: model.tokenizer,
            budget: budget, embedder: embedder)
        let tokens = promptTokens(prompt)
        let dates =
            options.dates
            ?? ValueParser.dateOrder(
                ofText: document.pages.map(\.text).joined(separator: "\n"), fallback: options.collectionDates)
        return Prepared(
            document: document, prompt: prompt, tokens: tokens,
            grounding: options.grounded ? GroundingText(prompt.excerpt) : nil,
            constrained: options.grounded ? Self.mentionSchema(schema, excerpt: prompt.excerpt, dates: dates) : Self.boundedLists(schema),
            dates: dates)
    }

    /// The prompt's tokens in the model's chat template. A template the tokenizer cannot render
    /// falls back to ChatML, which the instruct models Quarry runs read.
    func promptTokens(_ prompt: ExtractionPrompt) -> [Int] {
        (try? model.chatTokens(prompt.messages))
            ?? model.tokenizer.encode(
                prompt.messages.map { "<|im_start|>\($0.role)\n\($0.content)<|im_end|>\n" }.joined() + "<|im_start|>assistant\n",
                addSpecial: true, parseSpecial: true)
    }

    public func decode(_ prepared: Prepared) -> Candidate {
        generate(prepared, count: 1, sampling: .greedy)[0]
    }

    public func sample(_ prepared: Prepared, count: Int, temperature: Double, using generator: inout SeededGenerator) -> [Candidate] {
        let seed = generator.next()
        return generate(prepared, count: count, sampling: SamplingOptions(temperature: max(temperature, 1e-3), topK: 0, topP: 1, seed: seed))
    }

    public func logProbability(of candidate: Candidate, in prepared: Prepared) -> Double {
        guard let tokens = candidate.decisions.first, !tokens.isEmpty else { return candidate.logProbability }
        let session = model.session(capacity: context)
        return (try? model.logProbability(of: tokens, after: prepared.tokens, in: session, constraint: constraint(prepared)))
            ?? -.infinity
    }

    func constraint(_ prepared: Prepared) -> JSONConstraint {
        JSONConstraint(
            schema: prepared.constrained, vocabulary: vocabulary, endOfSequence: model.tokenizer.eos,
            grounding: prepared.grounding, fields: answerOrder.map(\.name))
    }

    /// The order the model writes the fields in: single values first, then lists, then tables, so
    /// that a long list or table cut off by the token budget costs only itself.
    var answerOrder: [Field] {
        func rank(_ field: Field) -> Int {
            switch field.kind {
            case .scalar: 0
            case .list: 1
            case .table: 2
            }
        }
        return schema.fields.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }

    /// Items a list may have when its schema sets no `maxItems`: small models otherwise repeat an
    /// item until the token budget runs out.
    static let listLimit = 10

    /// `schema` with `listLimit` on lists that set no `maxItems`.
    static func boundedLists(_ schema: Schema) -> Schema {
        let fields = schema.fields.map { field in
            guard case .list(let type, let minItems, let maxItems) = field.kind else { return field }
            return Field(
                name: field.name, description: field.description, required: field.required,
                kind: .list(type, minItems: minItems, maxItems: maxItems ?? listLimit))
        }
        return Schema(title: schema.title, description: schema.description, fields: fields, rules: schema.rules)
    }

    /// Grounded typing (lists bounded as in `boundedLists`): a date field may only take one of the dates written in the excerpt, a
    /// number field one of its numbers, spelled as in the document (`"09-Jul-2024"`, `"$59.69"`);
    /// the row is read back through the real schema, which normalises them. A field whose type
    /// has no mention in the excerpt keeps its plain constraint.
    static func mentionSchema(_ schema: Schema, excerpt: String, dates order: DateOrder) -> Schema {
        func unique(_ texts: [String]) -> [String] {
            var seen = Set<String>()
            return Array(texts.filter { seen.insert($0).inserted }.prefix(300))
        }
        let dates = unique(ValueParser.dateMentions(in: excerpt, order: order).map { String(excerpt[$0.range]) })
        let numbers = ValueParser.numberMentions(in: excerpt)
        let decimals = unique(numbers.map { String(excerpt[$0.range]) })
        let integers = unique(numbers.filter { $0.value == $0.value.rounded() }.map { String(excerpt[$0.range]) })
        func retype(_ type: ScalarType) -> ScalarType {
            guard type.enumValues == nil else { return type }
            let choices: [String]
            switch (type.base, type.format) {
            case (.string, .date?): choices = dates
            case (.number, _): choices = decimals
            case (.integer, _): choices = integers
            default: return type
            }
            guard !choices.isEmpty else { return type }
            var retyped = ScalarType(base: .string)
            retyped.enumValues = choices
            return retyped
        }
        func retype(_ field: Field) -> Field {
            let kind: Field.Kind =
                switch field.kind {
                case .scalar(let type): .scalar(retype(type))
                case .list(let type, let minItems, let maxItems): .list(retype(type), minItems: minItems, maxItems: maxItems ?? listLimit)
                case .table(let inner): .table(inner.map(retype))
                }
            return Field(name: field.name, description: field.description, required: field.required, kind: kind)
        }
        return Schema(title: schema.title, description: schema.description, fields: schema.fields.map(retype), rules: schema.rules)
    }

    /// `count` rows generated after one prompt evaluation.
    func generate(_ prepared: Prepared, count: Int, sampling: SamplingOptions) -> [Candidate] {
        let session = model.session(capacity: context)
        var results: [Candidate] = []
        var options = sampling
        for _ in 0..<count {
            let room = context - prepared.tokens.count
            let generation = try? model.generate(
                prompt: prepared.tokens, in: session, maxTokens: min(self.options.maxTokens, room),
                sampling: options, constraint: constraint(prepared))
            options.seed = options.seed &+ 0x9E37_79B9_7F4A_7C15
            var candidate = row(from: generation?.text ?? "", prepared)
            candidate.logProbability = generation?.logProbability ?? -.infinity
            candidate.decisions = [generation?.tokens ?? []]
            results.append(candidate)
        }
        return results
    }

    /// The row and evidence of generated JSON. Values that cannot be found in the document are
    /// dropped in grounded mode (every value keeps its evidence); fields an unfinished object did
    /// not reach are null.
    func row(from text: String, _ prepared: Prepared) -> Candidate {
        var row: [String: Value] = [:]
        var evidence: [Evidence] = []
        // A generation cut off by its token budget keeps the fields it finished.
        let object = PartialJSON.parse(text) as? [String: Any] ?? [:]
        let locator = EvidenceLocator(
            document: prepared.document, preferredPages: prepared.prompt.passages.map(\.location.page),
            dates: prepared.dates)
        /// Whether to keep a value: it has evidence (added to `found`), or it needs none.
        func keep(_ raw: Any, _ value: Value, _ type: ScalarType, path: String, index: Int, _ found: inout [Evidence]) -> Bool {
            guard !value.isNull else { return false }
            if let place = locator.place(of: value, raw: raw as? String, type: type) {
                found.append(EvidenceLocator.evidence(path, valueIndex: index, at: place))
                return true
            }
            return !options.grounded || type.base == .boolean
        }
        for field in schema.fields {
            let json = object[field.name]
            let value = field.value(fromJSON: json, dates: prepared.dates)
            switch field.kind {
            case .scalar(let type):
                row[field.name] = json.map { keep($0, value, type, path: field.name, index: 0, &evidence) } == true ? value : .null
            case .list(let type, _, _):
                let raws = (json as? [Any]) ?? []
                var kept: [Value] = []
                for raw in raws {
                    let item = field.value(fromJSON: [raw], dates: prepared.dates)
                    guard case .array(let items) = item, let v = items.first, !kept.contains(v) else { continue }
                    if keep(raw, v, type, path: field.name, index: kept.count, &evidence) { kept.append(v) }
                }
                row[field.name] = kept.isEmpty ? .null : .array(kept)
            case .table(let inner):
                let rows = (json as? [[String: Any]]) ?? []
                var kept: [Value] = []
                for cells in rows {
                    var object: [String: Value] = [:]
                    var found: [Evidence] = []
                    for sub in inner {
                        guard case .scalar(let type) = sub.kind, let raw = cells[sub.name] else { object[sub.name] = .null; continue }
                        let v = sub.value(fromJSON: raw, dates: prepared.dates)
                        object[sub.name] = keep(raw, v, type, path: "\(field.name)[\(kept.count)].\(sub.name)", index: 0, &found) ? v : .null
                    }
                    if object.values.contains(where: { !$0.isNull }) {
                        kept.append(.object(object))
                        evidence += found
                    }
                }
                row[field.name] = kept.isEmpty ? .null : .array(kept)
            }
        }
        return Candidate(row: row, evidence: evidence, logProbability: 0, decisions: [])
    }
}
