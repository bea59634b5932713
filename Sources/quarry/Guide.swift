import ArgumentParser
import Assistant
import Foundation
import Store

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

    /// What a note does, in words, and how many documents each of its descriptions matches.
    static func explain(_ text: String, documents: [DocumentRecord]) -> String {
        guard let rules = Guidance.compile(text) else {
            return "not a retrieval rule: given to generative answers as advice (see quarry guide --help for the rule forms)"
        }
        return rules.map { rule in
            let description: String
            switch rule { case .prefer(let a), .avoid(let a), .exclude(let a), .only(let a): description = a }
            let n = documents.filter { Guidance.matches(description, path: $0.path, title: $0.title) }.count
            return "\(rule) (\(n) document\(n == 1 ? "" : "s") now)"
        }.joined(separator: "; ")
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Store a note of guidance.")

        @Argument(help: "The guidance, e.g. \"prefer the annual report over press releases\".")
        var text: String

        @OptionGroup var database: DatabaseOption

        @Flag(help: "Print the stored note as JSON.")
        var json = false

        func validate() throws {
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("the guidance is empty") }
        }

        func run() throws {
            let store = try database.open()
            let note = try store.addGuidance(text.trimmingCharacters(in: .whitespacesAndNewlines))
            let meaning = Guide.explain(note.text, documents: try store.documents())
            if json { try Output.json(Listed(note: note, meaning: meaning)); return }
            print("Stored as guidance \(note.id): \(meaning).")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the guidance and what each note does.")

        @OptionGroup var database: DatabaseOption

        @Flag(help: "Print a JSON array.")
        var json = false

        func run() throws {
            let store = try database.open()
            let documents = try store.documents()
            let listed = try store.guidance().map { Listed(note: $0, meaning: Guide.explain($0.text, documents: documents)) }
            if json { try Output.json(listed); return }
            guard !listed.isEmpty else { print("No guidance yet (quarry guide add \"prefer … over …\")."); return }
            print(Output.table(["id", "added", "guidance", "effect"],
                               listed.map { ["\($0.id)", String($0.addedAt.prefix(10)), $0.text, $0.meaning] }, numeric: [0]))
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a note of guidance by its id.")

        @Argument(help: "The note's id (quarry guide list).")
        var id: Int64

        @OptionGroup var database: DatabaseOption

        func run() throws {
            guard try database.open().removeGuidance(id: id) else {
                throw CLIFailure(message: "no guidance with id \(id) (quarry guide list)", code: ExitStatus.usage)
            }
            print("Removed guidance \(id).")
        }
    }

    /// A note with what it does.
    struct Listed: Encodable {
        let id: Int64
        let text: String
        let addedAt: String
        let meaning: String
        init(note: GuidanceNote, meaning: String) {
            id = note.id; text = note.text; addedAt = note.addedAt; self.meaning = meaning
        }
    }
}
