import ArgumentParser
import QuarryKit

extension ModelsCommand {
    /// `quarry models promote`.
    struct Promote: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a version the one its table extracts with.",
            discussion: """
                The next `quarry extract` (or `quarry run`) into the table uses the
                version and extracts again the rows an older model made. `zero-shot`
                with --table goes back to the untuned prior.

                Examples:
                  quarry models promote receipts-v3 --reason "better on the March batch"
                  quarry models promote zero-shot --table receipts
                """)

        @Argument(help: ArgumentHelp("The version id, or zero-shot.", valueName: "id"))
        var id: String

        @Option(help: ArgumentHelp("The table (needed for zero-shot; otherwise the version's own).", valueName: "name"))
        var table: String?

        @Option(help: "Why, kept in the promotion history.")
        var reason: String?

        @OptionGroup var database: DatabaseOption

        func run() throws {
            let change = try database.open().promote(id, table: table, reason: reason)
            let to = change.to ?? ModelsCommand.zeroShot, from = change.from ?? ModelsCommand.zeroShot
            if change.from == change.to {
                print("\(change.table) already extracts with \(to); nothing changed.")
            } else {
                print(
                    "\(change.table) now extracts with \(to) (was \(from)). The next `quarry extract --table \(change.table)` "
                        + "re-extracts the rows \(from) made.")
            }
        }
    }
}
