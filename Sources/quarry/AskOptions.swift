import ArgumentParser
import QuarryKit

/// The options `ask` and `eval-qa` share.
struct AskOptions: ParsableArguments {
    @Option(
        help:
            "extractive (quotes from the documents) or generative (a short answer written by the embedded language model from numbered sources; seconds per question)."
    )
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
