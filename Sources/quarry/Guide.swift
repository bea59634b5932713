import ArgumentParser
import QuarryKit

/// `quarry guide`: an expert's guidance for the assistant over this collection.
struct Guide: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add, list and remove guidance that the assistant (quarry ask) follows.",
        discussion: """
            Guidance names documents by words of their path or title. These forms change
            retrieval and answering:
              prefer A over B     passages of A-documents rank higher, of B-documents lower
              prefer A            A-documents rank higher (also: favour, trust)
              avoid A             A-documents rank lower (also: distrust, deprioritise)
              ignore A            A-documents are left out (also: do not use, never use, exclude)
              only use A          every other document is left out
            A document matches "annual reports" when its path or title has words agreeing
            with every word of it (amcor-annual-report-2023.pdf). Guidance in another form is
            stored, listed and given to the language model with the sources of generative
            answers (quarry ask --mode generative); it does not change retrieval.

            Examples:
              quarry guide add "prefer the annual report over press releases"
              quarry guide add "ignore drafts"
              quarry guide list --json
              quarry guide remove 2
            """,
        subcommands: [Add.self, List.self, Remove.self],
        defaultSubcommand: List.self)

    /// What a note does, as the listing shows it.
    static func meaning(_ note: ExplainedGuidance) -> String {
        note.isRule ? note.meaning : note.meaning + " (see quarry guide --help for the rule forms)"
    }

    /// A note as --json prints it.
    struct Listed: Encodable {
        let id: Int64
        let text: String
        let addedAt: String
        let meaning: String
        init(_ note: ExplainedGuidance) { id = note.id; text = note.text; addedAt = note.addedAt; meaning = Guide.meaning(note) }
    }
}
