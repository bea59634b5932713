import Documents
import Extraction
import Foundation
import Models
import Progress
import Schema
import Store
import Tuning

/// What `quarry tune` and the pipeline `tune` stage are asked to do.
public struct TuneRequest: Sendable {
    public var schemaPath: String
    public var table: String
    /// Documents to tune on (ingested first when new); with `fromUsage`, added to those.
    public var paths: [String]
    /// Also tune on the documents that extractions into `table` used (the usage log).
    public var fromUsage = false
    /// Only `span` has trainable parameters.
    public var extractor = ExtractorKind.span
    /// The version or parameter file to start from; nil: the table's promoted version, else the
    /// zero-shot prior.
    public var base: String?
    public var settings = TAO<SpanExtractor>.Settings()
    public var rewards = RewardConfiguration()
    /// Gold rows: for TAO only to report field F1 before and after, never for training; for
    /// supervised training the labels it learns from.
    public var goldPath: String?
    /// TAO (no labels) or supervised training on the gold rows (`quarry train`, the baseline).
    public var method = Method.tao
    public var supervised = SupervisedTraining.Settings()
    public var dates: DateOrder?
    public var password: String?
    /// Promote the new version: `auto` when it is not worse on the held-back documents.
    public var promote = Promotion.auto
    /// Also write the tuned parameters to this file.
    public var outputPath: String?

    /// How the new version is learnt.
    public enum Method: String, Sendable, Codable { case tao, supervised }

    /// When a tuned version becomes the one extraction uses.
    public enum Promotion: String, Sendable, CaseIterable { case auto, always, never }

    public init(schemaPath: String, table: String, paths: [String]) {
        self.schemaPath = schemaPath; self.table = table; self.paths = paths
    }
}

/// What a tuning run did: the new version, the unlabelled scores before and after on held-back
/// documents, field F1 when gold was given, and the time spent.
public struct TuneReport: Sendable, Codable {
    /// Field F1 of the base and the tuned version on the held-back documents with gold rows.
    public struct GoldComparison: Sendable, Codable {
        public let documents: Int
        public let before: EvaluationReport
        public let after: EvaluationReport
        /// How well each judge told right values from wrong ones among the samples of the base
        /// and of the tuned version on these documents.
        public var judgesBefore: [JudgeSeparation] = []
        public var judgesAfter: [JudgeSeparation] = []
    }

    public var table: String
    public var method: TuneRequest.Method
    public var version = ""
    public var base: String
    public var documents = 0
    public var training = 0
    public var heldBack = 0
    public var steps: [TAO<SpanExtractor>.Step] = []
    /// Supervised training: the mean log-likelihood of the gold answers after each epoch.
    public var likelihood: [Double] = []
    public var stoppedEarly = false
    /// Fields tuning had silenced on the held-back documents, whose starting weights were kept.
    public var restored: [FieldFill] = []
    public var before: UnlabelledScore?
    public var after: UnlabelledScore?
    public var gold: GoldComparison?
    /// Guidelines the guideline judge could not turn into checks, with the reason; they are not used.
    public var unrecognisedGuidelines: [String] = []
    public var promoted = false
    public var promotion = ""
    public var prepareSeconds = 0.0
    public var tuneSeconds = 0.0
    public var seconds = 0.0
}

/// Runs TAO for a table: gathers the documents, prepares them once, tunes the span extractor
/// from the base version with the configured rewards, evaluates before and after, and stores the
/// new version with its lineage (promoting it unless it scores worse).
public struct TuningRun: Sendable {
    public let store: Store
    public let parsing: Ingestor.Parsing
    public let encoder: SentenceEncoder

    public init(store: Store, parsing: Ingestor.Parsing = .inProcess, encoder: SentenceEncoder) {
        self.store = store; self.parsing = parsing; self.encoder = encoder
    }

    public func run(_ request: TuneRequest, progress: any ProgressReporter = SilentProgress()) throws(QuarryError) -> TuneReport {
        let clock = ContinuousClock.now
        guard request.extractor == .span else {
            throw .invalidOption(
                name: "extractor",
                message: "only the span extractor has trainable parameters; "
                    + "the llm extractor can be tuned once it has adapters (it is used as a judge: rewards.language_model)")
        }
        let schema: Schema, validator: Validator
        do {
            schema = try Schema.load(request.schemaPath)
            validator = try Validator(schema: schema, file: request.schemaPath)
        } catch { throw .schema(error) }
        let gold: [GoldRow]?
        do {
            gold = try request.goldPath.map { path throws(TuningError) in try GoldFile.load(path, schema: schema, dates: request.dates ?? .monthFirst)
            }
        } catch {
            throw .tuning(error)
        }

        if request.method == .supervised, gold == nil {
            throw .invalidOption(name: "gold", message: "supervised training needs a gold file")
        }
        let records = try documents(request, progress: progress)
        guard records.count >= 2 else {
            throw .invalidOption(name: "paths", message: "tuning needs at least 2 documents with text (found \(records.count))")
        }
        let base = try baseParameters(request, schema: schema)
        let collectionDates = request.dates == nil ? try CollectionDates.order(in: store) : .monthFirst
        let policy = SpanExtractor(
            schema: schema, parameters: base, embedder: encoder, dates: request.dates, collectionDates: collectionDates)
        var report = TuneReport(table: request.table, method: request.method, base: base.version)
        report.unrecognisedGuidelines = GuidelineJudge(guidelines: request.rewards.guidelines, schema: schema).unrecognised.map(\.description)
        for guideline in report.unrecognisedGuidelines { progress.notice("guideline not understood, not used: \(guideline)") }
        report.documents = records.count

        // Explore needs every document's candidates and features once.
        var documents: [Document] = [], prepared: [SpanExtractor.Prepared] = []
        progress.report(ProgressEvent(task: "prepare", completed: 0, total: records.count))
        for (n, record) in records.enumerated() {
            let document = try TableExtraction.load(record, from: store)
            documents.append(document)
            prepared.append(policy.prepare(document))
            progress.report(ProgressEvent(task: "prepare", completed: n + 1, total: records.count, item: record.path))
        }
        report.prepareSeconds = Self.seconds(since: clock)

        let tuneClock = ContinuousClock.now
        let languageModel: LanguageModel?
        do { languageModel = request.rewards.weight(of: "language_model") > 0 ? try LanguageModel() : nil } catch { throw .model(error) }
        let rewards = request.rewards.factory(for: SpanExtractor.self, validator: validator, embedder: encoder, languageModel: languageModel)
        let tao = TAO(policy: policy, settings: request.settings, rewards: rewards)
        let result: TAO<SpanExtractor>.Result
        switch request.method {
        case .tao:
            progress.report(ProgressEvent(task: "tune", completed: 0, total: request.settings.steps))
            result = tao.run(documents: documents, prepared: prepared) { step in
                progress.report(
                    ProgressEvent(
                        task: "tune", completed: step.step, total: step.steps,
                        item: String(format: "reward %.3f, KL %.4f", step.meanReward, step.kl)))
            }
        case .supervised:
            // The same held-back split as TAO, so both are scored on the same documents.
            let index = GoldIndex(gold ?? [])
            guard
                let trained = tao.trainSupervised(
                    documents: documents, prepared: prepared, gold: { index.row(for: records[$0].path) },
                    training: request.supervised)
            else {
                throw .invalidOption(name: "gold", message: "no gold row names any of the training documents")
            }
            report.likelihood = trained.likelihood
            result = trained.result
        }
        report.tuneSeconds = Self.seconds(since: tuneClock)
        report.training = result.training.count
        report.heldBack = result.heldBack.count
        report.steps = result.steps
        report.stoppedEarly = result.stoppedEarly
        report.restored = result.restored
        report.before = result.before
        report.after = result.after

        if let gold {
            let held = result.heldBack
            func rows(_ p: SpanExtractor) -> [String: [String: Value]] {
                Dictionary(uniqueKeysWithValues: held.map { (records[$0].path, p.decode(prepared[$0]).row) })
            }
            let before = Evaluator.evaluate(schema: schema, predicted: rows(policy), gold: gold, onlyPredicted: true)
            let after = Evaluator.evaluate(schema: schema, predicted: rows(result.policy), gold: gold, onlyPredicted: true)
            report.gold = .init(documents: before.documents, before: before, after: after)
            let index = GoldIndex(gold)
            let goldRow = { (d: Int) in index.row(for: records[d].path) }
            // Every judge, weighted or not, is measured.
            let judges = request.rewards.factory(
                for: SpanExtractor.self, validator: validator, embedder: encoder, languageModel: languageModel, observing: true)
            let mix = tao.startingMix(prepared, judges: judges)
            report.gold?.judgesBefore = tao.separation(of: policy, held, documents, prepared, mix: mix, gold: goldRow)
            report.gold?.judgesAfter = tao.separation(of: result.policy, held, documents, prepared, mix: mix, gold: goldRow)
        }

        // A version tuned without labels keeps its base's level of confidence (supervised training
        // learns its own from the labels).
        let calibrated =
            request.method == .tao
            ? result.policy.calibratingConfidence(to: policy, on: (result.heldBack.isEmpty ? result.training : result.heldBack).map { prepared[$0] })
            : result.policy.withoutConfidenceTemperatures
        var tuned = calibrated.parameters
        tuned.base = base.version == SpanParameters.zeroShot(for: schema).version ? nil : base.version
        tuned.version = try saveVersion(request, tuned: &tuned, records: records, result: result, report: &report)
        report.version = tuned.version
        if let path = request.outputPath {
            do { try tuned.save(path) } catch { throw .extraction(error) }
        }
        report.seconds = Self.seconds(since: clock)
        return report
    }

    /// The documents to tune on: those under the paths (ingesting what is new) and, with
    /// `fromUsage`, those the usage log names for the table.
    private func documents(_ request: TuneRequest, progress: any ProgressReporter) throws(QuarryError) -> [DocumentRecord] {
        var wanted = Set<String>()
        if !request.paths.isEmpty {
            _ = try Ingestor(store: store, password: request.password, parsing: parsing, encoder: encoder).ingest(request.paths, progress: progress)
            wanted = Set(try FileDiscovery.files(in: request.paths))
        }
        let used = request.fromUsage ? Set(try UsageLog.documents(table: request.table, in: store).map(\.id)) : []
        do {
            return try store.documents().filter { $0.status != .failed && $0.pageCount > 0 && (wanted.contains($0.path) || used.contains($0.id)) }
        } catch { throw .store(error) }
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}

extension TuningRun {
    /// The parameters tuning starts from: `request.base` (a version id or parameter file), else the
    /// table's promoted version, else the zero-shot prior.
    func baseParameters(_ request: TuneRequest, schema: Schema) throws(QuarryError) -> SpanParameters {
        var extract = ExtractRequest(schemaPath: request.schemaPath, table: request.table, paths: [])
        extract.parametersPath = request.base
        return try TableExtraction.spanParameters(extract, schema: schema, store: store) ?? .zeroShot(for: schema, embedder: encoder)
    }

    /// Stores the tuned parameters as the table's next version with its lineage and metrics, and
    /// promotes it as the request says; returns the version id.
    func saveVersion(
        _ request: TuneRequest, tuned: inout SpanParameters, records: [DocumentRecord],
        result: TAO<SpanExtractor>.Result, report: inout TuneReport
    ) throws(QuarryError) -> String {
        let schemaText = FileManager.default.contents(atPath: request.schemaPath) ?? Data()
        let metrics = VersionMetrics(
            method: request.method, before: result.before, after: result.after,
            goldDocuments: report.gold?.documents,
            goldBefore: report.gold.map { .init($0.before) }, goldAfter: report.gold.map { .init($0.after) },
            steps: result.steps.count, stoppedEarly: result.stoppedEarly,
            heldBack: result.heldBack.map { records[$0].path })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase  // as the --json reports
        let worse = result.after.isWorse(than: result.before)
        switch request.promote {
        case .always: report.promoted = true; report.promotion = "promotion asked for always"
        case .never: report.promotion = "promotion asked for never"
        case .auto:
            report.promoted = !worse
            report.promotion =
                worse
                ? "it scores worse than its base on the held-back documents (mean reward or valid rows)"
                : "it scores at least as well as its base on the held-back documents"
        }
        do {
            let id = try store.nextModelVersionID(table: request.table)
            tuned.version = id
            let version = ModelVersion(
                id: id, table: request.table, method: request.method.rawValue, base: tuned.base,
                schemaSHA256: SourceFile.sha256(of: schemaText),
                parameters: String(decoding: try tuned.encoded(), as: UTF8.self),
                inputs: result.training.map { records[$0].path },
                rewardConfig: request.method == .tao ? request.rewards.json() : nil,
                metrics: String(decoding: (try? encoder.encode(metrics)) ?? Data(), as: UTF8.self))
            try store.addModelVersion(version)
            if report.promoted { try store.promote(version: id, table: request.table, reason: "\(request.method.rawValue): \(report.promotion)") }
            return id
        } catch let error as StoreError { throw .store(error) } catch let error as ExtractionError { throw .extraction(error) } catch {
            throw .invalidOption(name: "table", message: "\(error)")
        }
    }
}

/// The figures stored with a model version (`quarry models show`).
struct VersionMetrics: Codable {
    /// Micro and macro F1 of an evaluation against gold rows.
    struct F1: Codable {
        let micro: Double, macro: Double
        init(_ report: EvaluationReport) { micro = report.micro.f1; macro = report.macroF1 }
    }

    let method: TuneRequest.Method
    let before: UnlabelledScore
    let after: UnlabelledScore
    let goldDocuments: Int?
    let goldBefore: F1?
    let goldAfter: F1?
    let steps: Int
    let stoppedEarly: Bool
    let heldBack: [String]
}
