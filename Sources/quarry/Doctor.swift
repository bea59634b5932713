import ArgumentParser
import Foundation
import QuarryKit

/// `quarry doctor`: what Quarry runs on, and what is wrong with it.
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the environment: library versions, BLAS core and threads, model files.",
        discussion: """
            Prints the Swift version Quarry was built with, the OS, the CPU and the
            features that matter for matrix code, the OpenBLAS core (the kernels it
            uses) and who chose it, the poppler and SQLite versions, and whether the
            model files are installed.

            OpenBLAS picks its core when it loads. Where it falls back to a generic
            core (such as Prescott) on a CPU with AVX2 or AVX-512, Quarry restarts
            itself once with OPENBLAS_CORETYPE set to the best core the CPU can run
            ("set by quarry"). An OPENBLAS_CORETYPE you set is always respected
            ("set by user"); doctor says so if it forces a generic core.

            Examples:
              quarry doctor
              quarry doctor --json | jq .blas.core
              OPENBLAS_CORETYPE=Haswell quarry doctor

            Exit status: 0 no problems found, 1 problems found (listed, each with its fix).
            """)

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let report = EnvironmentReport.current()
        let problems = report.problems.map(Self.describe)
        if json { try Output.json(WithProblems(report: report, problems: problems)) } else { print(Self.text(report, problems)) }
        if !problems.isEmpty { throw CLIFailure(message: "", code: ExitStatus.runtime) }
    }

    /// The report's JSON with its problems in words.
    struct WithProblems: Encodable {
        let report: EnvironmentReport
        let problems: [String]
        enum CodingKeys: CodingKey { case problems }
        func encode(to encoder: any Encoder) throws {
            try report.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(problems, forKey: .problems)
        }
    }

    /// A problem and its fix.
    static func describe(_ problem: EnvironmentReport.Problem) -> String {
        switch problem {
        case .genericBLASCore(let core, let better, let source, let forced):
            let slow = "OpenBLAS uses the generic \(core) kernels although this CPU can run \(better) (several times faster)"
            switch source {
            case .user: return "\(slow): OPENBLAS_CORETYPE=\(forced ?? core) forces them; unset it or set OPENBLAS_CORETYPE=\(better)"
            case .reexec: return "\(slow): Quarry's restart with OPENBLAS_CORETYPE=\(better) did not take; run with OPENBLAS_CORETYPE=\(better)"
            case .detected: return "\(slow): Quarry could not restart itself; run with OPENBLAS_CORETYPE=\(better)"
            }
        case .unsupportedBLASCore(let core):
            return "OpenBLAS uses the \(core) kernels, which need CPU features this CPU lacks (it may crash); unset OPENBLAS_CORETYPE"
        case .missingModelFiles(let model, let files, let directory):
            return "model \(model) is missing \(files.joined(separator: ", ")) in \(directory); run `bash scripts/setup.sh`"
        }
    }

    /// Aligned `key: value` lines, then the problems.
    static func text(_ r: EnvironmentReport, _ problems: [String]) -> String {
        let source =
            switch r.blas.coreSource {
            case .user: "set by user (OPENBLAS_CORETYPE)"
            case .reexec: "set by quarry (OPENBLAS_CORETYPE)"
            case .detected: "detected by OpenBLAS"
            }
        var rows: [(String, String)] = [
            ("swift", r.swift), ("os", r.os), ("cpu", "\(r.cpu.model), \(r.cpu.cores) cores"),
            ("cpu features", r.cpu.features.isEmpty ? "none of AVX, AVX2, FMA, AVX-512" : r.cpu.features.joined(separator: " ")),
            ("blas core", "\(r.blas.core), \(source)\(r.blas.generic ? ", generic" : "")"),
            ("blas best core", r.blas.recommendedCore ?? "none better than generic (no AVX2)"),
            ("blas config", r.blas.config), ("blas threads", "\(r.blas.threads)"),
            ("poppler", r.poppler), ("sqlite", r.sqlite), ("models", r.modelsRoot),
        ]
        for model in r.models {
            rows.append((model.name, model.files.map { "\($0.name) \($0.present ? "ok" : "MISSING")" }.joined(separator: ", ")))
        }
        if let lm = r.languageModel {
            let types = lm.tensorTypes.sorted { $0.value > $1.value }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
            rows.append(
                (
                    "language model",
                    "\(lm.architecture), \(lm.layers) layers × \(lm.embedding), context \(lm.contextLength), "
                        + "\(lm.vocabulary) tokens, \(String(format: "%.0f", lm.megabytes)) MB (\(types))"
                ))
        }
        rows.append(("problems", problems.isEmpty ? "none" : "\(problems.count)"))
        let width = rows.map(\.0.count).max() ?? 0
        let lines = rows.map { key, value in (key + ":").padding(toLength: width + 2, withPad: " ", startingAt: 0) + value }
        return (lines + problems.map { "  - " + $0 }).joined(separator: "\n")
    }
}
