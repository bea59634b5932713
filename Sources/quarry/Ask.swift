import ArgumentParser
import Foundation
import QuarryKit

/// `quarry ask`: a question over the ingested documents, answered with verified citations.
struct Ask: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer a question from the documents, citing the page and quote behind every answer.",
        discussion: """
            The assistant retrieves the chunks that best match the question (--retrieval hybrid
            fuses word and meaning rankings), scores each of their sentences and table lines as an
            answer (sentence-vector similarity blended with how much of the question's rarer
            words they cover), and answers with the best of them as quotes.

            Every quote is checked against its page before it is shown: the page text between the
            cited offsets (code points, 0-based, end exclusive) must be the quote exactly. When no
            passage scores at least --threshold, or a number or name in the question appears
            nowhere in the documents, the assistant says it cannot find the answer instead of
            guessing (exit status 0; "refused": true in JSON).

            Examples:
              quarry ask "what is the total of the Kestrel invoice?"
              quarry ask "which state's law governs the agreement?" --document nda-acme.pdf
              quarry ask "when is payment due?" --path 'invoices/*.pdf' --pages 1-2 --json

            JSON: {"answer": "...", "citations": [{"document", "page", "start", "end", "quote",
            "box", "source", "document_id"}], "confidence": x, "refused": false, "reason": null}
            """)

    @Argument(help: "The question.")
    var question: String

    @OptionGroup var database: DatabaseOption
    @OptionGroup var options: AskOptions

    @Flag(help: "Print the answer as JSON.")
    var json = false

    func run() throws {
        let answer = try database.open().ask(question, options: try options.assistantOptions())
        if json { try Output.json(answer); return }
        print(answer.answer)
        if answer.refused {
            if let reason = answer.reason { print("(\(reason))") }
            return
        }
        for c in answer.citations {
            print("[\(c.source)] \(Output.display(c.document))  page \(c.location.page)  [\(c.location.start)..<\(c.location.end)]")
        }
        print(String(format: "confidence %.2f", answer.confidence) + (answer.reason.map { "; \($0)" } ?? ""))
    }
}
