import ArgumentParser
import Documents
import Foundation
import Models
import Store
import Tensors

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
        let report = DoctorReport.current()
        if json { try Output.json(report) } else { print(report.text) }
        if !report.problems.isEmpty { throw CLIFailure(message: "", code: ExitStatus.runtime) }
    }
}

/// Everything `quarry doctor` reports.
struct DoctorReport: Encodable {
    struct CPU: Encodable {
        let model: String
        let cores: Int
        let features: [String]
    }

    struct BLASInfo: Encodable {
        let core: String
        /// `detected`, `user` (OPENBLAS_CORETYPE) or `reexec` (set by Quarry's restart).
        let coreSource: BLASRuntime.CoreSource
        let generic: Bool
        /// The best core this CPU can run, or nil when it has no AVX2.
        let recommendedCore: String?
        let config: String
        let threads: Int
    }

    struct Model: Encodable {
        let name: String
        let directory: String
        let files: [ModelFile]
    }

    struct ModelFile: Encodable {
        let name: String
        let present: Bool
    }

    /// What the default language model file says about itself.
    struct LanguageModelInfo: Encodable {
        let path: String
        let architecture: String
        let layers: Int
        let embedding: Int
        let contextLength: Int
        let vocabulary: Int
        /// Tensor counts by GGML type, e.g. `Q4_1: 210`.
        let tensorTypes: [String: Int]
        let megabytes: Double

        /// Reads the file's header; nil when it is missing or unreadable (the model check reports that).
        static func load(_ path: String) -> LanguageModelInfo? {
            guard let file = try? GGUFFile(path: path), let config = try? LlamaConfiguration(gguf: file) else { return nil }
            var types: [String: Int] = [:]
            for info in file.tensors.values { types[GGMLType.name(of: info.typeID), default: 0] += 1 }
            let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            return LanguageModelInfo(path: path, architecture: config.architecture, layers: config.layers, embedding: config.embedding,
                                     contextLength: config.contextLength, vocabulary: config.vocabularySize,
                                     tensorTypes: types, megabytes: Double(bytes) / 1_000_000)
        }
    }

    let swift: String
    let os: String
    let cpu: CPU
    let blas: BLASInfo
    let poppler: String
    let sqlite: String
    let modelsRoot: String
    let models: [Model]
    let languageModel: LanguageModelInfo?
    let problems: [String]

    static let requiredModels = ["all-MiniLM-L6-v2": ["model.safetensors", "tokenizer.json", "vocab.txt", "config.json"],
                                 LanguageModel.defaultName: [LanguageModel.defaultFile]]

    static func current() -> DoctorReport {
        let cpuinfo = BLASRuntime.cpuinfo
        let features = BLASRuntime.CPUFeatures(cpuinfo: cpuinfo)
        let blas = BLASInfo(core: BLASRuntime.coreName, coreSource: BLASRuntime.coreSource,
                        generic: BLASRuntime.isGenericCore, recommendedCore: BLASRuntime.recommendedCore(for: features),
                        config: BLASRuntime.configName, threads: BLASRuntime.threads)
        let models = requiredModels.sorted { $0.key < $1.key }.map { name, files in
            let directory = ModelCache.directory(of: name)
            return Model(name: name, directory: directory, files: files.map { file in
                ModelFile(name: file, present: FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(file)))
            })
        }
        return DoctorReport(
            swift: swiftVersion, os: operatingSystem,
            cpu: CPU(model: field("model name", in: cpuinfo) ?? "unknown", cores: ProcessInfo.processInfo.activeProcessorCount,
                     features: features.flags),
            blas: blas, poppler: PDFReader.popplerVersion, sqlite: Store.sqliteVersion,
            modelsRoot: ModelCache.root, models: models,
            languageModel: (try? LanguageModel.defaultPath()).flatMap(LanguageModelInfo.load),
            problems: blasProblems(blas, features: features) + modelProblems(models))
    }

    static func blasProblems(_ blas: BLASInfo, features: BLASRuntime.CPUFeatures) -> [String] {
        var problems: [String] = []
        if blas.generic, let better = blas.recommendedCore {
            let slow = "OpenBLAS uses the generic \(blas.core) kernels although this CPU can run \(better) (several times faster)"
            switch blas.coreSource {
            case .user:
                let forced = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? blas.core
                problems.append("\(slow): OPENBLAS_CORETYPE=\(forced) forces them; unset it or set OPENBLAS_CORETYPE=\(better)")
            case .reexec: problems.append("\(slow): Quarry's restart with OPENBLAS_CORETYPE=\(better) did not take; run with OPENBLAS_CORETYPE=\(better)")
            case .detected: problems.append("\(slow): Quarry could not restart itself; run with OPENBLAS_CORETYPE=\(better)")
            }
        }
        if BLASRuntime.canRun(core: blas.core, with: features) == false {
            problems.append("OpenBLAS uses the \(blas.core) kernels, which need CPU features this CPU lacks (it may crash); unset OPENBLAS_CORETYPE")
        }
        return problems
    }

    static func modelProblems(_ models: [Model]) -> [String] {
        models.compactMap { model in
            let missing = model.files.filter { !$0.present }.map(\.name)
            if missing.isEmpty { return nil }
            return "model \(model.name) is missing \(missing.joined(separator: ", ")) in \(model.directory); run `bash scripts/setup.sh`"
        }
    }

    /// Aligned `key: value` lines, then the problems.
    var text: String {
        let source = switch blas.coreSource {
        case .user: "set by user (OPENBLAS_CORETYPE)"
        case .reexec: "set by quarry (OPENBLAS_CORETYPE)"
        case .detected: "detected by OpenBLAS"
        }
        var rows: [(String, String)] = [
            ("swift", swift), ("os", os), ("cpu", "\(cpu.model), \(cpu.cores) cores"),
            ("cpu features", cpu.features.isEmpty ? "none of AVX, AVX2, FMA, AVX-512" : cpu.features.joined(separator: " ")),
            ("blas core", "\(blas.core), \(source)\(blas.generic ? ", generic" : "")"),
            ("blas best core", blas.recommendedCore ?? "none better than generic (no AVX2)"),
            ("blas config", blas.config), ("blas threads", "\(blas.threads)"),
            ("poppler", poppler), ("sqlite", sqlite), ("models", modelsRoot),
        ]
        for model in models {
            rows.append((model.name, model.files.map { "\($0.name) \($0.present ? "ok" : "MISSING")" }.joined(separator: ", ")))
        }
        if let lm = languageModel {
            let types = lm.tensorTypes.sorted { $0.value > $1.value }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
            rows.append(("language model", "\(lm.architecture), \(lm.layers) layers × \(lm.embedding), context \(lm.contextLength), "
                         + "\(lm.vocabulary) tokens, \(String(format: "%.0f", lm.megabytes)) MB (\(types))"))
        }
        rows.append(("problems", problems.isEmpty ? "none" : "\(problems.count)"))
        let width = rows.map(\.0.count).max() ?? 0
        let lines = rows.map { key, value in (key + ":").padding(toLength: width + 2, withPad: " ", startingAt: 0) + value }
        return (lines + problems.map { "  - " + $0 }).joined(separator: "\n")
    }

    static var swiftVersion: String {
        #if compiler(>=7.0)
        "7.0 or later"
        #elseif compiler(>=6.3)
        "6.3"
        #elseif compiler(>=6.2)
        "6.2"
        #elseif compiler(>=6.1)
        "6.1"
        #else
        "6.0"
        #endif
    }

    static var operatingSystem: String {
        let release = (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8)) ?? ""
        let pretty = release.split(separator: "\n").first { $0.hasPrefix("PRETTY_NAME=") }
            .map { $0.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\"'")) }
        return pretty ?? ProcessInfo.processInfo.operatingSystemVersionString
    }

    /// The value of the first `name : value` line of `/proc/cpuinfo`-style text.
    static func field(_ name: String, in text: String) -> String? {
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}
