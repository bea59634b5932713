import Foundation

/// A usage error: the message says what is wrong.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The value after `--name` in `arguments`, e.g. `value(of: "--vocabulary", in: ["--vocabulary", "v.json"])`.
func value(of option: String, in arguments: [String]) throws -> String {
    guard let index = arguments.firstIndex(of: option), index + 1 < arguments.count else {
        throw BenchError("\(option) is required")
    }
    return arguments[index + 1]
}

/// The repository's root folder (this file is `Benchmarks/quarry-bench/Options.swift`).
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
