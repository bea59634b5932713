import Foundation

/// Runs the built `quarry` binary.
public enum CLI {
    /// The `quarry` beside the test bundle, else `.build/debug/quarry`.
    public static var binary: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("quarry").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return Paths.repository.appendingPathComponent(".build/debug/quarry").path
    }

    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        /// Standard output read as JSON, or nil.
        public var json: Any? { try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
    }

    /// Runs `quarry arguments`; `environment` changes this process's environment for it (nil removes a variable).
    public static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String?] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if !environment.isEmpty {
            var merged = ProcessInfo.processInfo.environment
            for (name, value) in environment { merged[name] = value }
            process.environment = merged
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A scratch folder with copies of the named files of `Fixtures/documents` in `docs/`, and the
    /// path of a database beside them.
    public static func workspace(copying documents: [String]) throws -> (dir: URL, docs: String, db: String) {
        let dir = try Paths.scratch("cli")
        let docs = dir.appendingPathComponent("docs")
        try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
        let fixtures = Paths.fixtures.appendingPathComponent("documents")
        for name in documents {
            try FileManager.default.copyItem(at: fixtures.appendingPathComponent(name), to: docs.appendingPathComponent(name))
        }
        return (dir, docs.path, dir.appendingPathComponent("q.db").path)
    }
}
