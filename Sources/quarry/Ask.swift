import ArgumentParser
import Assistant
import Foundation
import Models

extension AnswerMode: ExpressibleByArgument {}

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
        let store = try database.open()
        let assistant = Assistant(store: store, encoder: options.retrieval == .lexical ? try? Encoder.load() : try Encoder.load(),
                                  languageModel: options.mode == .generative ? try LanguageModel() : nil)
        let answer = try assistant.ask(question, options: try options.assistantOptions())
        if json { try Output.json(answer); return }
        print(answer.answer)
        if answer.refused {
            if let reason = answer.reason { print("(\(reason))") }
            return
        }
        for c in answer.citations {
            print("[\(c.source)] \(Output.display(c.document))  page \(c.page)  [\(c.start)..<\(c.end)]")
        }
        print(String(format: "confidence %.2f", answer.confidence) + (answer.reason.map { "; \($0)" } ?? ""))
    }
}

/// The options `ask` and `eval-qa` share.
struct AskOptions: ParsableArguments {
    @Option(help: "extractive (quotes from the documents) or generative (a short answer written by the embedded language model from numbered sources; seconds per question).")
    var mode: AnswerMode = .extractive

    @Option(help: "How chunks are found: hybrid (words and meaning, fused), lexical (BM25) or semantic (vectors).")
    var retrieval: Searcher.Mode = .hybrid

    @Option(name: .customLong("top-k"), help: "How many chunks to retrieve and read.")
    var topK = 8

    @Option(help: ArgumentHelp("Only this document (path or file name; repeat for several).", valueName: "name"))
    var document: [String] = []

    @Option(help: ArgumentHelp("Only documents whose path matches this glob, e.g. 'contracts/*.pdf'.", valueName: "glob"))
    var path: String?

    @Option(help: ArgumentHelp("Only these pages: 3, 3-7 or 3-.", valueName: "range"))
    var pages: String?

    @Option(help: "The least score (0–1) of the best passage for an answer; below it the assistant refuses.")
    var threshold = Assistant.Options().threshold

    func validate() throws {
        if topK < 1 { throw ValidationError("--top-k must be at least 1") }
        if !(0...1).contains(threshold) { throw ValidationError("--threshold must be between 0 and 1") }
        if let pages, RetrievalFilter.pages(pages) == nil { throw ValidationError("--pages must look like 3, 3-7 or 3- (pages start at 1)") }
    }

    func assistantOptions() throws -> Assistant.Options {
        var o = Assistant.Options()
        o.mode = mode
        o.retrieval = retrieval
        o.topK = topK
        o.threshold = threshold
        o.filter = RetrievalFilter(documents: document, pathGlob: path, pages: pages.flatMap(RetrievalFilter.pages))
        return o
    }
}
