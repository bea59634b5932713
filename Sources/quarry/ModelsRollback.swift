import ArgumentParser
import QuarryKit

extension ModelsCommand {
    /// `quarry models rollback`.
    struct Rollback: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Undo a table's latest promotion: back to the version before, or to zero-shot.",
            discussion: """
                Each rollback undoes one more promotion; the history keeps them all
                (SELECT * FROM model_promotions).

                Example:
                  quarry models rollback --table receipts --reason "worse on scanned receipts"
                """)

        @Option(help: ArgumentHelp("The table.", valueName: "name"))
        var table: String

        @Option(help: "Why, kept in the promotion history.")
        var reason: String?

        @OptionGroup var database: DatabaseOption

        func run() throws {
            let change = try database.open().rollback(table: table, reason: reason)
            print("\(table) rolled back from \(change.from ?? ModelsCommand.zeroShot) to \(change.to ?? ModelsCommand.zeroShot).")
        }
    }
}
