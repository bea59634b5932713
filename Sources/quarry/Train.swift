import ArgumentParser
import Foundation
import QuarryKit

/// `quarry train --gold`: supervised training of the span extractor, the baseline TAO is compared with.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the extractor of a table on labelled documents (the supervised baseline for quarry tune).",
        discussion: """
            Learns the span extractor's weights from gold rows by maximum likelihood: for each
            labelled document and field, the option whose value equals the gold value. It holds
            back the same share of documents as quarry tune with the same seed, reports field
            F1 and the unlabelled scores on them before and after, and stores the result as a
            model version (method supervised) like quarry tune does.

            Examples:
              quarry train --schema Fixtures/schemas/sroie.json --table receipts --gold receipts.jsonl receipts/
              quarry train --schema nda.json --table ndas --gold ndas.jsonl ndas/ --promote never --json

            Exit status: 0 done, 1 runtime error, 2 bad usage (a bad schema or gold file).
            """)

    @Option(help: ArgumentHelp("Gold rows (JSON Lines, as quarry eval reads them).", valueName: "file"))
    var gold: String

    @Option(
        help: ArgumentHelp(
            "Start from this version id or parameter file (default: the table's promoted version, else zero-shot).", valueName: "version"))
    var model: String?

    @Option(help: "Full passes over the labelled documents.")
    var epochs = 150

    @Option(help: "Adam's step size.")
    var learningRate = 0.05

    @Option(help: "Share of the documents held back for evaluation.")
    var heldBack = 0.2

    @Option(help: "Seed of the held-back split (the same as quarry tune's gives the same split).")
    var seed: UInt64 = 1

    @Option(help: "Promote the new version: auto (unless it scores worse than its base on the held-back documents), always, or never.")
    var promote = TuneRequest.Promotion.auto

    @Option(help: ArgumentHelp("Also write the trained parameters to this file.", valueName: "file"))
    var out: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    @OptionGroup var target: TableOptions

    @OptionGroup var database: DatabaseOption

    @Argument(help: ArgumentHelp("Files or folders of labelled documents.", valueName: "path"))
    var paths: [String]

    func validate() throws {
        if paths.isEmpty { throw ValidationError("name the files or folders the gold rows describe") }
        if epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        if !(0..<1).contains(heldBack) { throw ValidationError("--held-back must be in [0, 1)") }
    }

    func run() throws {
        try Workspace.checkInputs(schema: target.schema, paths: paths + [gold])
        var request = TuneRequest(schemaPath: target.schema, table: target.table, paths: paths)
        request.method = .supervised
        request.base = model
        request.goldPath = gold
        request.supervised.epochs = epochs
        request.supervised.learningRate = learningRate
        request.settings.heldBack = heldBack
        request.settings.seed = seed
        request.dates = target.dates.order
        request.promote = promote
        request.outputPath = out
        let report = try database.open(create: true).tune(request, progress: TerminalProgress(showNotices: !json))
        if json { try Output.json(report) } else { print(Tune.summary(report)) }
    }
}
