import ArgumentParser
import QuarryKit

extension Guide {
    /// `quarry guide list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the guidance and what each note does.")

        @OptionGroup var database: DatabaseOption

        @Flag(help: "Print a JSON array.")
        var json = false

        func run() throws {
            let listed = try database.open().guidance().map(Listed.init)
            if json { try Output.json(listed); return }
            guard !listed.isEmpty else { print("No guidance yet (quarry guide add \"prefer … over …\")."); return }
            print(
                Output.table(
                    ["id", "added", "guidance", "effect"],
                    listed.map { ["\($0.id)", String($0.addedAt.prefix(10)), $0.text, $0.meaning] }, numeric: [0]))
        }
    }
}
