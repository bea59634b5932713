import ArgumentParser
import Foundation
import QuarryKit

/// `quarry eval-qa`: score the assistant on a file of questions with gold answers and evidence.
struct EvalQA: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-qa",
        abstract: "Score the assistant on questions with gold answers: answer match, evidence cited, refusals.",
        discussion: """
            The gold file has one JSON object per line:
              {"id": "q1", "question": "Who won Super Bowl 50?", "answers": ["Denver Broncos"],
               "evidence": [{"document": "superbowl.txt", "page": 1, "quote": "The Broncos defeated …"}],
               "document": "superbowl.txt", "type": "span"}
            With "all_required": true the answer must contain every gold answer, not just one.
            "answers": [] marks a question the documents do not answer: the right reply is a
            refusal. Evidence is located by "start"/"end" (code points into the page text) or by
            its "quote". "document" (or a "documents" list) restricts retrieval to those documents,
            as --document does for quarry ask.

            Scores: answer match (the answer contains a gold answer, after lower-casing and
            dropping punctuation and articles), evidence cited (a citation overlaps the gold
            evidence on its page), refusal accuracy (refused exactly the unanswerable questions),
            quotes verified (every cited quote is the page text at its offsets), latency.

            Every run is stored: SELECT * FROM runs WHERE kind = 'eval-qa';
            SELECT * FROM metrics WHERE run_id = N.

            Example:
              quarry eval-qa --gold questions.jsonl --retrieval lexical --json
            """)

    @Option(help: ArgumentHelp("The question file (JSON Lines).", valueName: "file"))
    var gold: String

    @OptionGroup var database: DatabaseOption
    @OptionGroup var options: AskOptions

    @Option(help: "Only the first N questions.")
    var limit: Int?

    @Flag(help: "Print the scores and every question's outcome as JSON.")
    var json = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let report = try database.open().evaluateQuestions(
            gold, limit: limit, options: try options.assistantOptions(),
            progress: TerminalProgress())
        if json { try Output.json(report); return }
        func pct(_ x: Double?) -> String { x.map { String(format: "%.1f", 100 * $0) } ?? "–" }
        let rows = [("all", report.overall)] + report.byType.sorted { $0.key < $1.key }
        print(
            Output.table(
                ["questions", "n", "answer %", "evidence %", "refusal acc %", "refused unans. %", "refused ans. %", "verified %", "ms"],
                rows.map { name, s in
                    [
                        name, "\(s.questions)", pct(s.answerMatch), pct(s.evidenceCited), pct(s.refusalAccuracy),
                        pct(s.refusedUnanswerable), pct(s.refusedAnswerable), pct(s.quotesVerified), String(format: "%.0f", s.meanLatencyMS),
                    ]
                }, numeric: Set(1...8)))
        if report.unlocatedEvidence > 0 {
            Output.message(
                "\(report.unlocatedEvidence) gold evidence entries name a document, page or quote not in the database; they were not counted.")
        }
        print("Stored as run \(report.runID).")
    }
}
