import ArgumentParser
import QuarryKit

extension Guide {
    /// `quarry guide add`.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Store a note of guidance.")

        @Argument(help: "The guidance, e.g. \"prefer the annual report over press releases\".")
        var text: String

        @OptionGroup var database: DatabaseOption

        @Flag(help: "Print the stored note as JSON.")
        var json = false

        func validate() throws {
            if text.allSatisfy(\.isWhitespace) { throw ValidationError("the guidance is empty") }
        }

        func run() throws {
            let note = try database.open().addGuidance(text)
            if json { try Output.json(Listed(note)); return }
            print("Stored as guidance \(note.id): \(Guide.meaning(note)).")
        }
    }
}
