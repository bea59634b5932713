import ArgumentParser
import Foundation
import QuarryKit

/// `quarry tune`: TAO, tuning the span extractor on unlabelled documents.
struct Tune: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tune the extractor of a table on unlabelled documents (TAO).",
        discussion: """
            Test-time adaptive optimisation: for every document the current extractor samples
            several candidate rows; judges score them without labels (schema validity, grounding
            in the evidence, whether the text around a value is about its field, agreement
            between samples and across documents, expert guidelines, optionally the language
            model); a policy-gradient step (GRPO: group-relative advantages, clipping, a KL
            penalty to the starting version) moves the extractor toward the better candidates.
            The tuned extractor runs exactly as fast as before: only its weights change.

            A share of the documents (--held-back) is kept out of training and decoded before
            and after; the run reports their mean reward and share of valid rows, and field F1
            when --gold is given (used only for the report, never for training). The result is
            stored as a new model version of the table with its lineage, and promoted (used by
            quarry extract from then on) unless it scores worse than its base; see quarry models.

            Examples:
              quarry tune --schema Fixtures/schemas/sroie.json --table receipts receipts/
              quarry tune --schema nda.json --table ndas --from-usage --steps 40 --json
              quarry tune --schema nda.json --table ndas ndas/ --guideline "party names include the legal suffix"
              quarry tune --schema nda.json --table ndas ndas/ --reward consistency=2 --reward set_consistency=0
              quarry tune --schema sroie.json --table receipts receipts/ --gold receipts.jsonl

            Exit status: 0 done, 1 runtime error (database, model), 2 bad usage (a bad schema,
            gold file, reward name, or too few documents).
            """)

    @Option(help: "The extractor to tune (span; llm has no trainable parameters yet).")
    var extractor = ExtractorKind.span

    @Option(
        help: ArgumentHelp(
            "Start from this version id or parameter file (default: the table's promoted version, else zero-shot).", valueName: "version"))
    var model: String?

    @Flag(help: "Tune on the documents that extractions into the table used (the usage log), besides any paths.")
    var fromUsage = false

    @Option(help: "Candidates sampled per document and step.")
    var samples = 8

    @Option(help: "The most optimisation steps (early stopping may end sooner).")
    var steps = 80

    @Option(help: "Documents per step.")
    var batchSize = 48

    @Option(help: "Sampling temperature.")
    var temperature = 1.0

    @Option(help: "Adam's step size.")
    var learningRate = 0.1

    @Option(help: "Weight of the KL penalty to the starting version.")
    var kl = 0.02

    @Option(
        help: ArgumentHelp(
            "How a list field's decisions are credited: whole (the list's reward), items (each item's own verdicts) or both.", valueName: "credit"))
    var listCredit = ListCredit.both

    @Option(help: "Share of the documents held back for the before/after evaluation.")
    var heldBack = 0.2

    @Option(help: "Seed of sampling and of the held-back split; the same seed gives the same version.")
    var seed: UInt64 = 1

    @Option(
        name: .customLong("reward"),
        help: ArgumentHelp(
            "A judge's weight, NAME=WEIGHT (repeatable); judges: \(RewardConfiguration.judges.joined(separator: ", ")).", valueName: "name=weight"))
    var rewardWeights: [String] = []

    @Option(
        name: .customLong("guideline"),
        help: ArgumentHelp(
            "Expert guidance the guideline judge turns into checks (repeatable), e.g. \"party names include the legal suffix\".", valueName: "text"))
    var guidelines: [String] = []

    @Option(
        help: ArgumentHelp(
            "Gold rows (JSON Lines) to report field F1 before and after on the held-back documents; never used for training.", valueName: "file"))
    var gold: String?

    @Option(help: "Promote the new version: auto (unless it scores worse than its base), always, or never.")
    var promote = TuneRequest.Promotion.auto

    @Option(help: ArgumentHelp("Also write the tuned parameters to this file.", valueName: "file"))
    var out: String?

    @Option(help: "Password for encrypted PDFs.")
    var password: String?

    @Flag(help: "Print the report as JSON (the new version id, before/after figures, every step).")
    var json = false

    @OptionGroup var target: TableOptions

    @OptionGroup var database: DatabaseOption

    @Argument(help: ArgumentHelp("Files or folders of documents of the new kind.", valueName: "path"))
    var paths: [String] = []

    func run() throws {
        try Workspace.checkInputs(schema: target.schema, paths: paths)
        var request = TuneRequest(schemaPath: target.schema, table: target.table, paths: paths)
        request.extractor = extractor
        request.fromUsage = fromUsage
        request.base = model
        request.settings.samples = samples
        request.settings.steps = steps
        request.settings.batchSize = batchSize
        request.settings.temperature = temperature
        request.settings.heldBack = heldBack
        request.settings.seed = seed
        request.settings.optimizer.learningRate = learningRate
        request.settings.optimizer.klWeight = kl
        request.settings.optimizer.listCredit = listCredit
        request.rewards = try Self.rewards(rewardWeights, guidelines: guidelines)
        request.goldPath = gold
        request.dates = target.dates.order
        request.password = password
        request.promote = promote
        request.outputPath = out
        let report = try database.open(create: true).tune(request, progress: TerminalProgress(showNotices: !json))
        if json { try Output.json(report) } else { print(Self.summary(report)) }
    }
}
