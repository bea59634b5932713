// quarry-bench: timings that assert nothing, kept out of the test targets.
//
//   swift run quarry-bench constraint --vocabulary FILE
//   swift run quarry-bench span-data --db DB --schema S --gold G --out PREFIX
//
// Build it in debug (plain `swift run`): the numeric modules are compiled optimised in every
// configuration (see Package.swift), so a debug build times optimised code (as the tests did), and the benchmarks may
// reach internals through `@testable import`, which only a debug build allows.
//
// A subcommand is a function in its own file; add it to `subcommands`.
import Foundation

let subcommands: [(name: String, usage: String, run: ([String]) throws -> Void)] = [
    (
        "constraint", "constraint --vocabulary FILE   restrict + accept per token of the JSON constraint on a real vocabulary",
        constraintBenchmark
    ),
    (
        "encoder", "encoder --input FILE [--output FILE] [--batch-size N] [--threads N]   sentence-encoder throughput (JSON)",
        encoderBenchmark
    ),
    (
        "span-data",
        "span-data --db DB --schema S --gold G --out PREFIX [--day-first]   candidates, features and vectors with gold labels (for Benchmarks/prior)",
        spanDataBenchmark
    ),
]

@MainActor func usage() -> String {
    "usage: quarry-bench <subcommand> [options]\n\nsubcommands:\n" + subcommands.map { "  " + $0.usage }.joined(separator: "\n")
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, let subcommand = subcommands.first(where: { $0.name == name }) else {
    let asked = arguments.first.map { ["-h", "--help", "help"].contains($0) } ?? false
    FileHandle.standardError.write(Data((usage() + "\n").utf8))
    exit(asked ? 0 : 2)
}
do {
    try subcommand.run(Array(arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("quarry-bench \(name): \(error)\n".utf8))
    exit(1)
}
