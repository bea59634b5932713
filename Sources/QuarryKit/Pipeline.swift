import Extraction
import Foundation
import Schema
import Yams

/// A batch job read from a YAML file in `Pipelines/`:
///
/// ```yaml
/// name: invoices
/// description: Ingest the bundled sample invoices and extract a table from them.
/// database: ../quarry.db        # optional; `--db` overrides it
/// stages:
///   - ingest:
///       paths: [../Fixtures/documents]
///       password: secret        # optional, for encrypted PDFs
///       embed: true             # optional; false skips chunk embeddings
///   - extract:
///       schema: ../Fixtures/schemas/invoice.json
///       table: invoices
///       paths: [../Fixtures/documents]
///       extractor: span         # optional: span (the default) or llm
///       model: params.json      # optional: span parameter file or model version id, or GGUF file for llm
///       dates: auto             # optional: auto, day-first or month-first
///       password: secret        # optional
///       replace: false          # optional; true rebuilds the table after an incompatible schema change
///   - tune:                     # TAO on unlabelled documents; see PipelineParser.tuneStage
///       schema: ../Fixtures/schemas/invoice.json
///       table: invoices
///       paths: [../Fixtures/documents]
///       guidelines: ["the vendor name includes the legal suffix"]
///       rewards: {consistency: 1, set_consistency: 0.5}
/// ```
///
/// Relative paths (paths, schema, model, database) are resolved against the folder of the
/// pipeline file; a span `model` without a `/` that is no file there is kept as a model version id.
public struct Pipeline: Sendable {
    /// One step of a pipeline: `ingest` (files into the corpus), `extract` (ingest what is new,
    /// then fill a schema-typed table, as `quarry extract` does) or `tune` (TAO, as `quarry tune`).
    public enum Stage: Sendable {
        case ingest(paths: [String], password: String?, embed: Bool)
        case extract(ExtractRequest)
        case tune(TuneRequest)
    }

    /// The stage names a pipeline file may use.
    static let stageNames = ["extract", "ingest", "tune"]

    public let file: String
    public let name: String
    public let description: String?
    public let database: String?
    public let stages: [Stage]

    /// Reads and checks a pipeline file; every problem names the file, the line and the key.
    public static func load(_ path: String) throws(QuarryError) -> Pipeline {
        guard let data = FileManager.default.contents(atPath: path) else { throw .noSuchPath(path) }
        guard let yaml = String(data: data, encoding: .utf8) else {
            throw .pipeline(file: path, line: nil, key: nil, message: "the file is not UTF-8 text")
        }
        let root: Node?
        do { root = try Yams.compose(yaml: yaml) } catch let error as YamlError {
            throw .pipeline(file: path, line: nil, key: nil, message: "not valid YAML: \(error)")
        } catch {
            throw .pipeline(file: path, line: nil, key: nil, message: "not valid YAML: \(error)")
        }
        guard let root else { throw .pipeline(file: path, line: nil, key: nil, message: "the file is empty") }
        return try PipelineParser(file: path).pipeline(root)
    }
}

/// Walks the YAML tree, checking keys and types and resolving paths.
struct PipelineParser {
    let file: String
    var folder: URL { URL(fileURLWithPath: file).deletingLastPathComponent() }

    func pipeline(_ root: Node) throws(QuarryError) -> Pipeline {
        let top = try mapping(root, key: nil, allowed: ["name", "description", "database", "stages"])
        guard let stagesNode = top["stages"] else {
            throw fail(root, key: "stages", "a pipeline needs a list of stages")
        }
        guard let list = stagesNode.sequence, !list.isEmpty else {
            throw fail(stagesNode, key: "stages", "expected a non-empty list of stages, e.g. `- ingest: {paths: [docs]}`")
        }
        var stages: [Pipeline.Stage] = []
        for node in list { stages.append(try stage(node)) }
        return Pipeline(
            file: file,
            name: try string(top["name"], key: "name") ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent,
            description: try string(top["description"], key: "description"),
            database: try string(top["database"], key: "database").map(resolve),
            stages: stages)
    }

    private func stage(_ node: Node) throws(QuarryError) -> Pipeline.Stage {
        let known = Pipeline.stageNames.joined(separator: ", ")
        guard let entries = node.mapping, entries.count == 1, let (keyNode, body) = entries.first,
            let name = keyNode.string
        else {
            throw fail(node, key: "stages", "each stage is a mapping with one key, the stage's name (known: \(known))")
        }
        switch name {
        case "ingest":
            let options = try mapping(body, key: "ingest", allowed: ["paths", "password", "embed"])
            let paths = try self.paths(options["paths"], in: body, stage: "ingest")
            return .ingest(
                paths: paths, password: try string(options["password"], key: "ingest.password"),
                embed: try bool(options["embed"], key: "ingest.embed") ?? true)
        case "extract":
            let options = try mapping(
                body, key: "extract",
                allowed: ["schema", "table", "paths", "extractor", "model", "dates", "password", "replace"])
            let schema = try required(options, "schema", stage: "extract", in: body, example: "../Fixtures/schemas/invoice.json")
            let table = try required(options, "table", stage: "extract", in: body, example: "invoices")
            var request = ExtractRequest(
                schemaPath: resolve(schema), table: table,
                paths: try paths(options["paths"], in: body, stage: "extract"))
            if let extractor: ExtractorKind = try choice(options["extractor"], key: "extract.extractor") { request.extractor = extractor }
            if let model = try string(options["model"], key: "extract.model") {
                let path = resolve(model)
                let versionID = request.extractor == .span && !model.contains("/") && !FileManager.default.fileExists(atPath: path)
                request.parametersPath = versionID ? model : path
            }
            if let dates: DateReading = try choice(options["dates"], key: "extract.dates") { request.dates = dates.order }
            request.password = try string(options["password"], key: "extract.password")
            request.replace = try bool(options["replace"], key: "extract.replace") ?? false
            return .extract(request)
        case "tune":
            return .tune(try tuneStage(body))
        default:
            throw fail(keyNode, key: name, "unknown stage '\(name)' (known: \(known))")
        }
    }

    /// `dates:` values; `auto` (nil) decides per document.
    /// A key whose value is one of a choice's values, spelled as on the command line.
    func choice<Choice: RawRepresentable & CaseIterable>(_ node: Node?, key: String) throws(QuarryError) -> Choice?
    where Choice.RawValue == String {
        guard let node, let text = try string(node, key: key) else { return nil }
        guard let value = Choice(rawValue: text) else {
            let values = Choice.allCases.map(\.rawValue)
            let spelled = values.dropLast().joined(separator: ", ") + (values.count > 1 ? " or " : "") + (values.last ?? "")
            throw fail(node, key: key, "expected \(spelled), not '\(text)' (available: \(values.joined(separator: ", ")))")
        }
        return value
    }

    /// A stage's `paths`: one path or a non-empty list, resolved against the pipeline's folder.
    func paths(_ node: Node?, in body: Node, stage: String) throws(QuarryError) -> [String] {
        let key = "\(stage).paths"
        guard let node else { throw fail(body, key: key, "the \(stage) stage needs `paths`") }
        if let one = node.scalar?.string { return [resolve(one)] }
        guard let many = node.sequence, !many.isEmpty else {
            throw fail(node, key: key, "expected a path or a list of paths")
        }
        return try many.map { (n: Node) throws(QuarryError) -> String in
            guard let s = n.scalar?.string else { throw fail(n, key: key, "expected a path") }
            return resolve(s)
        }
    }

    /// The entries of a mapping node, refusing keys outside `allowed`.
    func mapping(_ node: Node, key: String?, allowed: Set<String>) throws(QuarryError) -> [String: Node] {
        guard let entries = node.mapping else {
            throw fail(node, key: key, "expected a mapping with keys \(allowed.sorted().joined(separator: ", "))")
        }
        var result: [String: Node] = [:]
        for (k, v) in entries {
            guard let name = k.string else { throw fail(k, key: key, "keys must be plain names") }
            let qualified = key.map { "\($0).\(name)" } ?? name
            guard allowed.contains(name) else {
                throw fail(k, key: qualified, "unknown key (expected one of: \(allowed.sorted().joined(separator: ", ")))")
            }
            guard result[name] == nil else { throw fail(k, key: qualified, "the key appears twice") }
            result[name] = v
        }
        return result
    }

    /// A stage's required text option, or an error showing an example.
    func required(_ options: [String: Node], _ key: String, stage: String, in body: Node, example: String) throws(QuarryError) -> String {
        guard let value = try string(options[key], key: "\(stage).\(key)") else {
            throw fail(body, key: "\(stage).\(key)", "the \(stage) stage needs `\(key)`, e.g. `\(key): \(example)`")
        }
        return value
    }

    func string(_ node: Node?, key: String) throws(QuarryError) -> String? {
        guard let node else { return nil }
        guard let s = node.scalar?.string else { throw fail(node, key: key, "expected a text value") }
        return s
    }

    func bool(_ node: Node?, key: String) throws(QuarryError) -> Bool? {
        guard let node else { return nil }
        guard let b = node.bool else { throw fail(node, key: key, "expected true or false") }
        return b
    }

    func resolve(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        return expanded.hasPrefix("/") ? expanded : folder.appendingPathComponent(expanded).standardizedFileURL.path
    }

    func fail(_ node: Node, key: String?, _ message: String) -> QuarryError {
        .pipeline(file: file, line: node.mark?.line, key: key, message: message)
    }
}
