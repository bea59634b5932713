import Documents
import Foundation
import Models
import Store
import Tensors

/// What Quarry runs on: library versions, the CPU, the BLAS core and who chose it, the model
/// files, and what is wrong with any of it (`quarry doctor`).
public struct EnvironmentReport: Sendable, Encodable {
    /// The processor and the features matrix code cares about.
    public struct CPU: Sendable, Encodable {
        public let model: String
        public let cores: Int
        public let features: [String]
    }

    /// The OpenBLAS core in use.
    public struct BLASInfo: Sendable, Encodable {
        public let core: String
        /// `detected`, `user` (OPENBLAS_CORETYPE) or `reexec` (set by Quarry's restart).
        public let coreSource: BLASRuntime.CoreSource
        public let generic: Bool
        /// The best core this CPU can run, or nil when it has no AVX2.
        public let recommendedCore: String?
        public let config: String
        public let threads: Int
    }

    /// A model and whether each of its files is installed.
    public struct Model: Sendable, Encodable {
        public let name: String
        public let directory: String
        public let files: [ModelFile]
    }

    /// One file of a model.
    public struct ModelFile: Sendable, Encodable {
        public let name: String
        public let present: Bool
    }

    /// A problem found, with what it takes to fix it left to the face that reports it.
    public enum Problem: Sendable, Equatable {
        /// OpenBLAS runs a generic core although the CPU can run `better`; `source` says who chose it.
        case genericBLASCore(core: String, better: String, source: BLASRuntime.CoreSource, forced: String?)
        /// The BLAS core needs CPU features this CPU lacks.
        case unsupportedBLASCore(core: String)
        /// Model files missing from their directory.
        case missingModelFiles(model: String, files: [String], directory: String)
    }

    public let swift: String
    public let os: String
    public let cpu: CPU
    public let blas: BLASInfo
    public let poppler: String
    public let sqlite: String
    public let modelsRoot: String
    public let models: [Model]
    public let languageModel: LanguageModelSummary?
    public let problems: [Problem]

    enum CodingKeys: String, CodingKey { case swift, os, cpu, blas, poppler, sqlite, modelsRoot, models, languageModel }

    static let requiredModels = [
        "all-MiniLM-L6-v2": ["model.safetensors", "tokenizer.json", "vocab.txt", "config.json"],
        LanguageModel.defaultName: [LanguageModel.defaultFile],
    ]

    /// Restarts this process once with a better OpenBLAS core when the one it loaded is generic
    /// (see `BLASRuntime.reexecIfGenericCore`); call it first thing in `main`.
    public static func preferFastBLASCore() { BLASRuntime.reexecIfGenericCore() }

    /// Examines this machine and process.
    public static func current() -> EnvironmentReport {
        let cpuinfo = BLASRuntime.cpuinfo
        let features = BLASRuntime.CPUFeatures(cpuinfo: cpuinfo)
        let blas = BLASInfo(
            core: BLASRuntime.coreName, coreSource: BLASRuntime.coreSource,
            generic: BLASRuntime.isGenericCore, recommendedCore: BLASRuntime.recommendedCore(for: features),
            config: BLASRuntime.configName, threads: BLASRuntime.threads)
        let models = requiredModels.sorted { $0.key < $1.key }.map { name, files in
            let directory = ModelCache.directory(of: name)
            return Model(
                name: name, directory: directory,
                files: files.map { file in
                    ModelFile(name: file, present: FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(file)))
                })
        }
        var problems: [Problem] = []
        if blas.generic, let better = blas.recommendedCore {
            problems.append(
                .genericBLASCore(
                    core: blas.core, better: better, source: blas.coreSource,
                    forced: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]))
        }
        if BLASRuntime.canRun(core: blas.core, with: features) == false { problems.append(.unsupportedBLASCore(core: blas.core)) }
        for model in models {
            let missing = model.files.filter { !$0.present }.map(\.name)
            if !missing.isEmpty { problems.append(.missingModelFiles(model: model.name, files: missing, directory: model.directory)) }
        }
        return EnvironmentReport(
            swift: swiftVersion, os: operatingSystem,
            cpu: CPU(
                model: field("model name", in: cpuinfo) ?? "unknown", cores: ProcessInfo.processInfo.activeProcessorCount,
                features: features.flags),
            blas: blas, poppler: PDFReader.popplerVersion, sqlite: Store.sqliteVersion,
            modelsRoot: ModelCache.root, models: models,
            languageModel: (try? LanguageModel.defaultPath()).flatMap(LanguageModelSummary.load), problems: problems)
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

/// What a GGUF language model file says about itself.
public struct LanguageModelSummary: Sendable, Encodable {
    public let path: String
    public let architecture: String
    public let layers: Int
    public let embedding: Int
    public let contextLength: Int
    public let vocabulary: Int
    /// Tensor counts by GGML type, e.g. `Q4_1: 210`.
    public let tensorTypes: [String: Int]
    public let megabytes: Double

    /// Reads the file's header; nil when it is missing or unreadable (the model check reports that).
    static func load(_ path: String) -> LanguageModelSummary? {
        guard let file = try? GGUFFile(path: path), let config = try? LlamaConfiguration(gguf: file) else { return nil }
        var types: [String: Int] = [:]
        for info in file.tensors.values { types[GGMLType.name(of: info.typeID), default: 0] += 1 }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return LanguageModelSummary(
            path: path, architecture: config.architecture, layers: config.layers, embedding: config.embedding,
            contextLength: config.contextLength, vocabulary: config.vocabularySize,
            tensorTypes: types, megabytes: Double(bytes) / 1_000_000)
    }
}
