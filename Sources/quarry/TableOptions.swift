import ArgumentParser
import QuarryKit

/// `--schema`, `--table` and `--dates`, shared by the commands that fill or tune a table.
struct TableOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The schema file (JSON or YAML).", valueName: "file"))
    var schema: String

    @Option(help: ArgumentHelp("The table (letters, digits and _) that is filled, or whose extractor is tuned or trained.", valueName: "name"))
    var table: String

    @Option(
        help: ArgumentHelp(
            "Ambiguous numeric dates like 03/04/2024: auto (as the document's other dates say, else as most of the database's documents do), day-first or month-first.",
            valueName: "order"))
    var dates = DateReading.auto
}
