import Foundation
import Testing
@testable import QuarryKit

@Suite struct PipelineTests {
    func load(_ yaml: String) throws -> Pipeline {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pl-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("job.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return try Pipeline.load(file.path)
    }

    func error(_ yaml: String) -> String {
        do { _ = try load(yaml); return "no error" } catch { return "\(error)" }
    }

    @Test func readsStagesAndResolvesPathsAgainstTheFile() throws {
        let p = try load("name: demo\nstages:\n  - ingest:\n      paths: [docs, /abs/x]\n      password: pw\n      embed: false\n")
        #expect(p.name == "demo")
        guard case .ingest(let paths, let password, let embed) = p.stages.first else { Issue.record("no ingest stage"); return }
        #expect(paths[0].hasSuffix("/docs") && paths[0].hasPrefix(URL(fileURLWithPath: p.file).deletingLastPathComponent().path))
        #expect(paths[1] == "/abs/x" && password == "pw" && !embed)
        guard case .ingest(_, _, let byDefault) = try load("stages:\n  - ingest: {paths: a}\n").stages.first else { return }
        #expect(byDefault)
    }

    @Test func errorsNameTheFileLineAndKey() {
        let unknown = error("name: x\nstages:\n  - ingest:\n      paths: [a]\n      pasword: p\n")
        #expect(unknown.contains("job.yaml:5") && unknown.contains("ingest.pasword") && unknown.contains("unknown key"))
        let stage = error("stages:\n  - extrakt: {}\n")
        #expect(stage.contains(":2") && stage.contains("unknown stage 'extrakt'"))
        #expect(error("name: x\n").contains("key 'stages'"))
        #expect(error("stages:\n  - ingest: {}\n").contains("needs `paths`"))
        #expect(error("stages: [\n").contains("not valid YAML"))
        #expect(error("top: 1\nstages:\n  - ingest: {paths: a}\n").contains(":1: key 'top'"))
        #expect(error("stages:\n  - ingest: {paths: a, embed: maybe}\n").contains("ingest.embed': expected true or false"))
    }

    @Test func theBundledPipelineIsValid() throws {
        let p = try Pipeline.load(Workspace.repository.appendingPathComponent("Pipelines/fixtures.yaml").path)
        guard case .ingest(let paths, _, _) = p.stages.first else { Issue.record("no ingest stage"); return }
        #expect(FileManager.default.fileExists(atPath: paths[0]))
    }
}
