import ArgumentParser
import QuarryKit

/// `quarry parse-worker`: the hidden worker that `ingest` starts to parse files in parallel.
struct ParseWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse-worker", abstract: "Internal: parse files for a running ingest.",
        shouldDisplay: false)

    func run() { ParseWorker.serve() }
}
