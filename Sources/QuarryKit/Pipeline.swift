import Foundation
import Yams

/// A batch job read from a YAML file in `Pipelines/`:
///
/// ```yaml
/// name: fixtures
/// description: Ingest the bundled sample invoices and receipts.
/// database: ../quarry.db        # optional; `--db` overrides it
/// stages:
///   - ingest:
///       paths: [../Fixtures/documents]
///       password: secret        # optional, for encrypted PDFs
///       embed: true             # optional; false skips chunk embeddings
/// ```
///
/// Relative paths are resolved against the folder of the pipeline file.
public struct Pipeline: Sendable {
    /// One step of a pipeline. Later capabilities add extract, tune and ask stages.
    public enum Stage: Sendable {
        case ingest(paths: [String], password: String?, embed: Bool)
    }

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
        return Pipeline(file: file,
                        name: try string(top["name"], key: "name") ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent,
                        description: try string(top["description"], key: "description"),
                        database: try string(top["database"], key: "database").map(resolve),
                        stages: stages)
    }

    private func stage(_ node: Node) throws(QuarryError) -> Pipeline.Stage {
        guard let entries = node.mapping, entries.count == 1, let (keyNode, body) = entries.first,
              let name = keyNode.string else {
            throw fail(node, key: "stages", "each stage is a mapping with one key, the stage's name (known: ingest)")
        }
        switch name {
        case "ingest":
            let options = try mapping(body, key: "ingest", allowed: ["paths", "password", "embed"])
            guard let pathsNode = options["paths"] else { throw fail(body, key: "ingest.paths", "the ingest stage needs `paths`") }
            let paths: [String]
            if let one = pathsNode.scalar?.string { paths = [one] } else if let many = pathsNode.sequence, !many.isEmpty {
                paths = try many.map { (n: Node) throws(QuarryError) -> String in
                    guard let s = n.scalar?.string else { throw fail(n, key: "ingest.paths", "expected a path") }
                    return s
                }
            } else {
                throw fail(pathsNode, key: "ingest.paths", "expected a path or a list of paths")
            }
            return .ingest(paths: paths.map(resolve), password: try string(options["password"], key: "ingest.password"),
                           embed: try bool(options["embed"], key: "ingest.embed") ?? true)
        default:
            throw fail(keyNode, key: name, "unknown stage '\(name)' (known: ingest)")
        }
    }

    /// The entries of a mapping node, refusing keys outside `allowed`.
    private func mapping(_ node: Node, key: String?, allowed: Set<String>) throws(QuarryError) -> [String: Node] {
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

    private func string(_ node: Node?, key: String) throws(QuarryError) -> String? {
        guard let node else { return nil }
        guard let s = node.scalar?.string else { throw fail(node, key: key, "expected a text value") }
        return s
    }

    private func bool(_ node: Node?, key: String) throws(QuarryError) -> Bool? {
        guard let node else { return nil }
        guard let b = node.bool else { throw fail(node, key: key, "expected true or false") }
        return b
    }

    private func resolve(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        return expanded.hasPrefix("/") ? expanded : folder.appendingPathComponent(expanded).standardizedFileURL.path
    }

    private func fail(_ node: Node, key: String?, _ message: String) -> QuarryError {
        .pipeline(file: file, line: node.mark?.line, key: key, message: message)
    }
}
