import Extraction
import Foundation
import QuarryTestSupport
import Schema
import Store
import Testing
import Tuning

@testable import QuarryKit

/// `TuningRun` on a few fixture receipts with the installed encoder: the versions it stores, their
/// lineage and promotion, tuning from the usage log, supervised training, and what it refuses.
@Suite(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing))
struct TuningRunTests {
    let encoder = TestModels.encoder!
    /// Three plain-text receipts and a Markdown invoice: quick to read and to prepare.
    static let sample = [
        "documents/receipt-kopitiam-sri-melor-1.txt",
        "documents/receipt-maple-and-tide-coffee-1.txt", "documents/receipt-weber-baustoffe-1.txt",
        "documents/invoice-nightjar-studio-nj-2024-007.md",
    ]
    static let names = Set(sample.map { ($0 as NSString).lastPathComponent })
    static let schema = Paths.fixture("schemas/sroie.json")

    /// A short run: 3 steps of 4 samples, 2 of the 4 documents held back.
    func request(_ ws: ScratchWorkspace, paths: [String]? = nil) -> TuneRequest {
        var request = TuneRequest(schemaPath: Self.schema, table: "receipts", paths: paths ?? [ws.docs.path])
        request.settings.steps = 3
        request.settings.samples = 4
        request.settings.batchSize = 4
        request.settings.heldBack = 0.5
        return request
    }

    func run(_ ws: ScratchWorkspace, _ request: TuneRequest) throws(QuarryError) -> TuneReport {
        try TuningRun(store: ws.store, encoder: encoder).run(request)
    }

    /// The fixtures' gold rows of the sample, as JSON Lines with the SROIE schema's field names.
    func goldFile(_ ws: ScratchWorkspace) throws -> String {
        let names = ["company": "vendor", "date": "invoice_date", "address": "vendor_address", "total": "total"]
        var lines: [String] = []
        for name in Self.names.sorted() {
            let url = Paths.fixtures.appendingPathComponent("gold/" + (name as NSString).deletingPathExtension + ".json")
            let gold = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            let fields = names.reduce(into: [String: Any]()) { $0[$1.key] = gold[$1.value] ?? NSNull() }
            let line = try JSONSerialization.data(withJSONObject: ["document": name, "fields": fields], options: [.sortedKeys])
            lines.append(String(decoding: line, as: UTF8.self))
        }
        let path = ws.dir.appendingPathComponent("gold.jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func json(_ text: String?) throws -> [String: Any] {
        let data = Data(try #require(text).utf8)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func file(_ path: String) -> String { (path as NSString).lastPathComponent }

    @Test func aTuneStoresAVersionWithItsLineageAndTheNextStartsFromThePromotedOne() throws {
        let ws = try ScratchWorkspace(fixtures: Self.sample)
        var first = request(ws)
        first.goldPath = try goldFile(ws)
        let report = try run(ws, first)
        let zeroShot = SpanParameters.zeroShot(for: try Schema.load(Self.schema)).version
        #expect(report.version == "receipts-v1" && report.method == .tao && report.base == zeroShot)
        #expect(report.documents == 4 && report.training == 2 && report.heldBack == 2)
        #expect(report.steps.count == 3 && report.steps.map(\.step) == [1, 2, 3])
        #expect(report.steps.allSatisfy { (0...1).contains($0.meanReward) && $0.kl >= 0 })
        let before = try #require(report.before), after = try #require(report.after)
        #expect(before.documents == 2 && after.documents == 2)
        // Each judge's mean is over the documents it judged: a judge with nothing to judge on two
        // documents (set consistency on so small a set) abstains and has no mean.
        #expect(
            Set(before.judges.keys).isSubset(of: ["validity", "grounding", "topic", "consistency", "set_consistency"])
                && before.judges["validity"] != nil && before.judges["consistency"] != nil, "\(before.judges.keys)")
        let gold = try #require(report.gold, "--gold reports field F1 on the held-back documents")
        #expect(gold.documents == 2)

        let version = try #require(try ws.store.modelVersion(id: "receipts-v1"))
        #expect(version.table == "receipts" && version.method == "tao" && version.extractor == "span")
        #expect(version.base == nil, "a version tuned from the zero-shot prior has no base")
        #expect(version.inputs.count == 2 && Set(version.inputs.map(Self.file)).isSubset(of: Self.names))
        let reward = try Self.json(version.rewardConfig)
        let weights = try #require(reward["weights"] as? [String: Double])
        #expect(Set(weights.keys) == Set(RewardConfiguration.judges) && weights["consistency"] == 1 && weights["set_consistency"] == 0.6)
        #expect(try RewardConfiguration.parse(json: try #require(version.rewardConfig)) == first.rewards)
        let metrics = try Self.json(version.metrics)
        #expect(metrics["method"] as? String == "tao" && metrics["steps"] as? Int == 3)
        let stored = try #require(metrics["before"] as? [String: Any]), storedAfter = try #require(metrics["after"] as? [String: Any])
        // (JSONSerialization reads numbers as decimals on Linux: equal up to the last digits.)
        #expect(abs(try #require(stored["mean_reward"] as? Double) - before.meanReward) < 1e-12)
        #expect(abs(try #require(storedAfter["mean_reward"] as? Double) - after.meanReward) < 1e-12)
        #expect(metrics["gold_before"] is [String: Any] && metrics["gold_after"] is [String: Any])
        // The held-back documents are the ones the version did not learn from.
        let held = try #require(metrics["held_back"] as? [String])
        #expect(Set(held).isDisjoint(with: version.inputs) && Set((held + version.inputs).map(Self.file)) == Self.names)

        // Promoted exactly when it scores at least as well as its base.
        #expect(report.promoted == !after.isWorse(than: before), "\(report.promotion)")
        #expect(try ws.store.promotedVersion(table: "receipts")?.id == (report.promoted ? "receipts-v1" : nil))
        if !report.promoted { _ = try ws.store.promote(version: "receipts-v1", table: "receipts") }

        // A run that cannot move (step size 0) scores the same as its base: not worse, so promoted.
        var still = request(ws)
        still.settings.optimizer.learningRate = 0
        let second = try run(ws, still)
        #expect(second.version == "receipts-v2" && second.base == "receipts-v1", "starts from the promoted version")
        #expect(second.before == second.after && second.promoted, "\(second.promotion)")
        #expect(try ws.store.modelVersion(id: "receipts-v2")?.base == "receipts-v1")
        #expect(try ws.store.promotedVersion(table: "receipts")?.id == "receipts-v2")
        let schema = try Schema.load(Self.schema)
        func parameters(_ id: String) throws -> SpanParameters {
            let stored = try #require(try ws.store.modelVersion(id: id))
            return try SpanParameters.decode(Data(stored.parameters.utf8), source: id, schema: schema)
        }
        let v1 = try parameters("receipts-v1"), v2 = try parameters("receipts-v2")
        #expect(v2.fields == v1.fields, "an unmoved run keeps its base's weights")

        // --promote never stores the version and leaves the table on the one before. Started from
        // the zero-shot prior with the first run's seed, it is the first version again, bit for bit.
        var again = request(ws)
        again.promote = .never
        again.base = SpanParameters.zeroShotVersion
        let third = try run(ws, again)
        #expect(third.version == "receipts-v3" && third.base == zeroShot && !third.promoted)
        #expect(try ws.store.modelVersion(id: "receipts-v3")?.base == nil)
        #expect(try ws.store.promotedVersion(table: "receipts")?.id == "receipts-v2")
        #expect(try ws.store.modelVersions(table: "receipts").count == 3)
        #expect(try parameters("receipts-v3").fields == v1.fields, "the same seed must give the same weights")
        #expect(third.steps.map(\.meanReward) == report.steps.map(\.meanReward) && third.before == before && third.after == after)
    }

    /// The same seed gives the same version bit for bit however the threads are scheduled: tuned
    /// again while one thread keeps a core busy and another embeds texts with the same encoder (as
    /// the other tests of a full run do), it has the same weights and rewards. (An encode running
    /// alongside used to make the run's own encodes split their batches differently, which moves
    /// vectors in their last bits; on these documents the invoice schema's features and rewards
    /// moved with them.)
    @Test func theSameSeedGivesTheSameVersionWhateverRunsAlongside() throws {
        let ws = try ScratchWorkspace(fixtures: Self.sample)
        let schemaPath = Paths.fixture("schemas/invoice.json")
        var tune = request(ws)
        tune.schemaPath = schemaPath
        tune.table = "invoices"
        tune.promote = .never
        let alone = try run(ws, tune)
        let alongside = try BackgroundWork.during(encoder: encoder) { try run(ws, tune) }
        #expect(alongside.base == alone.base && alongside.version != alone.version)
        #expect(
            alongside.steps.map(\.meanReward) == alone.steps.map(\.meanReward),
            "\(alongside.steps.map(\.meanReward)) vs \(alone.steps.map(\.meanReward))")
        #expect(alongside.steps.map(\.kl) == alone.steps.map(\.kl))
        #expect(alongside.before == alone.before && alongside.after == alone.after)
        let schema = try Schema.load(schemaPath)
        func parameters(_ id: String) throws -> SpanParameters {
            let stored = try #require(try ws.store.modelVersion(id: id))
            return try SpanParameters.decode(Data(stored.parameters.utf8), source: id, schema: schema)
        }
        #expect(try parameters(alongside.version).fields == parameters(alone.version).fields, "the same seed must give the same weights")
    }

    @Test func fromUsageTunesOnTheDocumentsAnExtractionRead() throws {
        let ws = try ScratchWorkspace(fixtures: Self.sample)
        let extracted = try TableExtraction(store: ws.store, encoder: encoder)
            .run(ExtractRequest(schemaPath: Self.schema, table: "receipts", paths: [ws.docs.path]))
        #expect(extracted.documents == 4)
        // Another document in the corpus that no extraction into receipts read.
        try FileManager.default.copyItem(
            at: Paths.fixtures.appendingPathComponent("documents/receipt-copperleaf-books-1.pdf"),
            to: ws.dir.appendingPathComponent("copperleaf.pdf"))
        _ = try Ingestor(store: ws.store).ingest([ws.dir.appendingPathComponent("copperleaf.pdf").path])

        var usage = request(ws, paths: [])
        usage.fromUsage = true
        let report = try run(ws, usage)
        #expect(report.documents == 4 && report.training == 2 && report.heldBack == 2)
        let version = try #require(try ws.store.modelVersion(id: report.version))
        #expect(Set(version.inputs.map(Self.file)).isSubset(of: Self.names))

        // A table nothing was extracted into has no usage to tune on.
        var none = usage
        none.table = "elsewhere"
        #expect {
            _ = try run(ws, none)
        } throws: { error in
            guard case QuarryError.invalidOption(let name, let message) = error else { return false }
            return name == "paths" && message.contains("at least 2") && message.contains("found 0")
        }
    }

    @Test func supervisedTrainingLearnsFromGoldAndReportsF1() throws {
        let ws = try ScratchWorkspace(fixtures: Self.sample)
        var supervised = request(ws)
        supervised.method = .supervised
        supervised.supervised.epochs = 30
        supervised.goldPath = try goldFile(ws)
        let report = try run(ws, supervised)
        #expect(report.method == .supervised && report.steps.isEmpty && report.training == 2 && report.heldBack == 2)
        #expect(report.likelihood.count == 30)
        #expect(report.likelihood.last! > report.likelihood.first!, "\(report.likelihood)")
        let gold = try #require(report.gold)
        #expect(gold.documents == 2 && gold.before.fields.count == 4)
        let version = try #require(try ws.store.modelVersion(id: report.version))
        #expect(version.method == "supervised" && version.rewardConfig == nil)
        let metrics = try Self.json(version.metrics)
        #expect(metrics["method"] as? String == "supervised" && metrics["gold_after"] is [String: Any])

        // Without gold rows there is nothing to learn from.
        var unlabelled = request(ws)
        unlabelled.method = .supervised
        #expect {
            _ = try run(ws, unlabelled)
        } throws: { error in
            guard case QuarryError.invalidOption(let name, _) = error else { return false }
            return name == "gold"
        }
    }

    @Test func theLanguageModelExtractorAndFewerThanTwoDocumentsAreRefused() throws {
        let ws = try ScratchWorkspace(fixtures: Self.sample)
        var llm = request(ws)
        llm.extractor = .llm
        #expect {
            _ = try run(ws, llm)
        } throws: { error in
            guard case QuarryError.invalidOption(let name, let message) = error else { return false }
            return name == "extractor" && message.contains("only the span extractor")
        }
        let one = request(ws, paths: [ws.docs.appendingPathComponent("receipt-weber-baustoffe-1.txt").path])
        #expect {
            _ = try run(ws, one)
        } throws: { error in
            guard case QuarryError.invalidOption(let name, let message) = error else { return false }
            return name == "paths" && message.contains("at least 2") && message.contains("found 1")
        }
        #expect(try ws.store.modelVersions().isEmpty, "a refused run stores nothing")
    }
}
