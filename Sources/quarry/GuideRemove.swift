import ArgumentParser
import QuarryKit

extension Guide {
    /// `quarry guide remove`.
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
}
