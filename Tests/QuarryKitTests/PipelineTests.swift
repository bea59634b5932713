import Foundation
import QuarryTestSupport
import Testing

@testable import QuarryKit

@Suite struct PipelineTests {
    func load(_ yaml: String) throws -> Pipeline {
        let dir = try Paths.scratch("pl")
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
        guard case .ingest(_, _, let byDefault) = try load("stages:\n  - ingest: {paths: a}\n").stages.first else {
            Issue.record("no ingest stage"); return
        }
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
        let p = try Pipeline.load(Paths.repository.appendingPathComponent("Pipelines/fixtures.yaml").path)
        guard case .ingest(let paths, _, _) = p.stages.first else { Issue.record("no ingest stage"); return }
        #expect(FileManager.default.fileExists(atPath: paths[0]))
    }

    @Test func readsAnExtractStage() throws {
        let p = try load(
            """
            stages:
              - extract:
                  schema: schemas/invoice.json
                  table: invoices
                  paths: [docs, /abs/more]
                  extractor: span
                  model: tuned/params.json
                  dates: day-first
                  password: pw
                  replace: true
            """)
        guard case .extract(let request) = p.stages.first else { Issue.record("no extract stage"); return }
        let folder = URL(fileURLWithPath: p.file).deletingLastPathComponent().path
        #expect(request.schemaPath == folder + "/schemas/invoice.json")
        #expect(request.parametersPath == folder + "/tuned/params.json")
        #expect(request.paths == [folder + "/docs", "/abs/more"])
        #expect(request.table == "invoices" && request.extractor == .span && request.password == "pw" && request.replace)
        #expect(request.dates == .dayFirst)

        // Only schema, table and paths are required; dates default to auto (nil), paths may be one path.
        guard case .extract(let minimal) = try load("stages:\n  - extract: {schema: s.json, table: t, paths: docs}\n").stages.first else {
            Issue.record("no extract stage"); return
        }
        #expect(minimal.paths == [URL(fileURLWithPath: minimal.schemaPath).deletingLastPathComponent().path + "/docs"])
        #expect(minimal.dates == nil && minimal.extractor == .span && minimal.parametersPath == nil && !minimal.replace)
        guard case .extract(let monthFirst) = try load("stages:\n  - extract: {schema: s, table: t, paths: d, dates: month-first}\n").stages.first,
            case .extract(let auto) = try load("stages:\n  - extract: {schema: s, table: t, paths: d, dates: auto}\n").stages.first
        else {
            Issue.record("no extract stage"); return
        }
        #expect(monthFirst.dates == .monthFirst && auto.dates == nil)
    }

    @Test func aSpanModelThatIsNoFileIsAModelVersionID() throws {
        func model(_ extractor: String, _ value: String) throws -> String? {
            let p = try load("stages:\n  - extract: {schema: s, table: t, paths: d, extractor: \(extractor), model: \(value)}\n")
            guard case .extract(let request) = p.stages.first else { Issue.record("no extract stage"); return nil }
            return request.parametersPath
        }
        #expect(try model("span", "invoices-v2") == "invoices-v2")
        #expect(try model("span", "tuned/invoices-v2")?.hasSuffix("/tuned/invoices-v2") == true)
        #expect(try model("llm", "model.gguf")?.hasSuffix("/model.gguf") == true)
        // A file beside the pipeline is still a file.
        let p = try load("stages:\n  - extract: {schema: s, table: t, paths: d, model: job.yaml}\n")
        guard case .extract(let request) = p.stages.first else { Issue.record("no extract stage"); return }
        #expect(request.parametersPath?.hasSuffix("/job.yaml") == true && FileManager.default.fileExists(atPath: request.parametersPath ?? ""))
    }

    @Test func extractStageErrorsNameTheLineAndKey() {
        let missingSchema = error("name: x\nstages:\n  - ingest: {paths: a}\n  - extract:\n      table: t\n      paths: [a]\n")
        #expect(
            missingSchema.contains("job.yaml:5") && missingSchema.contains("key 'extract.schema'")
                && missingSchema.contains("needs `schema`"), "\(missingSchema)")
        let missingTable = error("stages:\n  - extract:\n      schema: s.json\n      paths: [a]\n")
        #expect(missingTable.contains("job.yaml:3") && missingTable.contains("key 'extract.table'"), "\(missingTable)")
        let missingPaths = error("stages:\n  - extract: {schema: s.json, table: t}\n")
        #expect(missingPaths.contains("job.yaml:2") && missingPaths.contains("key 'extract.paths'") && missingPaths.contains("needs `paths`"))

        let unknown = error("stages:\n  - extract:\n      schema: s.json\n      table: t\n      paths: [a]\n      sheet: x\n")
        #expect(unknown.contains("job.yaml:6") && unknown.contains("key 'extract.sheet'") && unknown.contains("unknown key"), "\(unknown)")
        // The refusal lists the keys that are known.
        #expect(unknown.contains("dates, extractor, model, password, paths, replace, schema, table"), "\(unknown)")

        let dates = error("stages:\n  - extract:\n      schema: s.json\n      table: t\n      paths: [a]\n      dates: european\n")
        #expect(
            dates.contains("job.yaml:6") && dates.contains("key 'extract.dates'") && dates.contains("auto, day-first or month-first")
                && dates.contains("'european'"), "\(dates)")
        let extractor = error("stages:\n  - extract: {schema: s, table: t, paths: a, extractor: gpt}\n")
        #expect(extractor.contains("job.yaml:2") && extractor.contains("extract.extractor") && extractor.contains("available: span, llm"))
        let replace = error("stages:\n  - extract: {schema: s, table: t, paths: a, replace: sometimes}\n")
        #expect(replace.contains("extract.replace': expected true or false"))
        let schemaList = error("stages:\n  - extract:\n      schema: [a, b]\n      table: t\n      paths: a\n")
        #expect(schemaList.contains("job.yaml:3") && schemaList.contains("extract.schema': expected a text value"), "\(schemaList)")
        #expect(error("stages:\n  - extrakt: {}\n").contains("known: extract, ingest"))
    }

    @Test func theBundledInvoicesPipelineIngestsThenExtracts() throws {
        let p = try Pipeline.load(Paths.repository.appendingPathComponent("Pipelines/invoices.yaml").path)
        #expect(p.name == "invoices" && p.stages.count == 2)
        guard case .ingest(let paths, _, _) = p.stages.first, case .extract(let request) = p.stages.last else {
            Issue.record("expected ingest, then extract"); return
        }
        #expect(request.table == "invoices" && request.paths == paths)
        #expect(request.schemaPath == Paths.fixture("schemas/invoice.json"))
        #expect(FileManager.default.fileExists(atPath: request.schemaPath) && FileManager.default.fileExists(atPath: paths[0]))
        #expect(p.database == Paths.repository.appendingPathComponent("quarry.db").path)
    }
}
