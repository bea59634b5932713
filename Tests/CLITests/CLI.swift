import Foundation
import Models
import Testing

/// Runs the built `quarry` binary.
enum CLI {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var binary: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("quarry").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return repository.appendingPathComponent(".build/debug/quarry").path
    }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
    }

    /// Runs `quarry arguments`; `environment` changes this process's environment for it (nil removes a variable).
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String?] = [:]) throws -> Result {
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
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Whether the sentence encoder is installed; tests of commands that need it are disabled where it is absent.
    static let encoderInstalled = (try? SentenceEncoder()) != nil
    static let encoderMissing: Comment = "all-MiniLM-L6-v2 is not installed: run bash scripts/setup.sh"

    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cli-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A scratch folder with copies of the named files of `Fixtures/documents` in `docs/`, and the
    /// path of a database beside them.
    static func workspace(copying documents: [String]) throws -> (dir: URL, docs: String, db: String) {
        let dir = try scratch()
        let docs = dir.appendingPathComponent("docs")
        try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
        let fixtures = repository.appendingPathComponent("Fixtures/documents")
        for name in documents {
            try FileManager.default.copyItem(at: fixtures.appendingPathComponent(name), to: docs.appendingPathComponent(name))
        }
        return (dir, docs.path, dir.appendingPathComponent("q.db").path)
    }
}
