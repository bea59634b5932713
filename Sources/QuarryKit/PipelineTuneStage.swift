import Extraction
import Foundation
import Schema
import Tuning
import Yams

extension PipelineParser {
    /// A `tune` stage, `quarry tune` in a pipeline:
    ///
    /// ```yaml
    /// - tune:
    ///     schema: ../Fixtures/schemas/sroie.json
    ///     table: receipts
    ///     paths: [../receipts]        # and/or
    ///     from_usage: true            # the documents extractions into the table used
    ///     model: receipts-v2          # optional base version or parameter file
    ///     samples: 8                  # optional, and steps, batch_size, temperature, seed,
    ///     steps: 60                   #   held_back, learning_rate, kl
    ///     rewards:                    # optional judge weights (defaults in RewardConfiguration)
    ///       consistency: 1
    ///       language_model: 0
    ///     guidelines:                 # optional expert guidance for the guideline judge
    ///       - the company name includes the legal suffix
    ///     gold: ../gold.jsonl         # optional, report only (never trained on)
    ///     promote: auto               # auto, always or never
    ///     list_credit: both           # whole, items or both (how list fields are credited)
    /// ```
    func tuneStage(_ body: Node) throws(QuarryError) -> TuneRequest {
        let numbers = ["samples", "steps", "batch_size", "temperature", "seed", "held_back", "learning_rate", "kl"]
        let options = try mapping(
            body, key: "tune",
            allowed: Set(
                [
                    "schema", "table", "paths", "from_usage", "model", "rewards", "guidelines",
                    "gold", "promote", "dates", "password", "list_credit",
                ] + numbers))
        let schema = try required(options, "schema", stage: "tune", in: body, example: "../Fixtures/schemas/sroie.json")
        let table = try required(options, "table", stage: "tune", in: body, example: "receipts")
        let fromUsage = try bool(options["from_usage"], key: "tune.from_usage") ?? false
        let paths = options["paths"] != nil || !fromUsage ? try self.paths(options["paths"], in: body, stage: "tune") : []
        var request = TuneRequest(schemaPath: resolve(schema), table: table, paths: paths)
        request.fromUsage = fromUsage
        if let model = try string(options["model"], key: "tune.model") {
            let path = resolve(model)
            request.base = !model.contains("/") && !FileManager.default.fileExists(atPath: path) ? model : path
        }
        func number(_ key: String, minimum: Double, below: Double = .infinity) throws(QuarryError) -> Double? {
            guard let node = options[key] else { return nil }
            guard let value = node.float ?? node.int.map(Double.init), value >= minimum, value < below else {
                throw fail(node, key: "tune.\(key)", "expected a number ≥ \(minimum)\(below.isFinite ? " and below \(below)" : "")")
            }
            return value
        }
        if let v = try number("samples", minimum: 2) { request.settings.samples = Int(v) }
        if let v = try number("steps", minimum: 1) { request.settings.steps = Int(v) }
        if let v = try number("batch_size", minimum: 1) { request.settings.batchSize = Int(v) }
        if let v = try number("temperature", minimum: 1e-3) { request.settings.temperature = v }
        if let v = try number("seed", minimum: 0) { request.settings.seed = UInt64(v) }
        if let v = try number("held_back", minimum: 0, below: 1) { request.settings.heldBack = v }
        if let v = try number("learning_rate", minimum: 0) { request.settings.optimizer.learningRate = v }
        if let v = try number("kl", minimum: 0) { request.settings.optimizer.klWeight = v }
        var weights: [String: Double] = [:]
        if let node = options["rewards"] {
            guard let entries = node.mapping else { throw fail(node, key: "tune.rewards", "expected judge: weight pairs, e.g. `consistency: 1`") }
            for (k, v) in entries {
                guard let name = k.string, let weight = v.float ?? v.int.map(Double.init) else {
                    throw fail(k, key: "tune.rewards", "expected judge: weight pairs with numeric weights")
                }
                weights[name] = weight
            }
        }
        var guidelines: [String] = []
        if let node = options["guidelines"] {
            guard let list = node.sequence else { throw fail(node, key: "tune.guidelines", "expected a list of sentences") }
            for item in list {
                guard let text = item.string else { throw fail(item, key: "tune.guidelines", "expected a sentence") }
                guidelines.append(text)
            }
        }
        do { request.rewards = try RewardConfiguration(weights: weights, guidelines: guidelines) } catch {
            throw fail(options["rewards"] ?? body, key: "tune.rewards", "\(error)")
        }
        request.goldPath = try string(options["gold"], key: "tune.gold").map(resolve)
        if let promotion: TuneRequest.Promotion = try choice(options["promote"], key: "tune.promote") { request.promote = promotion }
        if let dates: DateReading = try choice(options["dates"], key: "tune.dates") { request.dates = dates.order }
        if let credit: ListCredit = try choice(options["list_credit"], key: "tune.list_credit") {
            request.settings.optimizer.listCredit = credit
        }
        request.password = try string(options["password"], key: "tune.password")
        return request
    }
}
