// quarry-bench span-data --db DB --schema SCHEMA --gold GOLD --out PREFIX [--day-first]
//
// The data Benchmarks/prior/fit_prior.py learns the span extractor's prior from: for every gold
// row whose document is in DB, every field's candidates with their features, whether they equal
// the gold value (`ValueMatch`), and the texts around them (label, header, line, previous line,
// value) as indices into the distinct texts. Writes PREFIX.jsonl (one line per document and
// field), PREFIX.texts.json (the texts) and PREFIX.f32 (their all-MiniLM-L6-v2 vectors, float32
// rows). --day-first reads a document's ambiguous dates day first when its own do not settle
// them (as the database's documents would). Debug build only: it reads the extractor's internals
// through `@testable import`.
import Foundation

#if !DEBUG
    func spanDataBenchmark(_ arguments: [String]) throws {
        throw BenchError("it reads internals of Extraction (@testable import): build it in debug, swift run quarry-bench span-data …")
    }
#else
    import Models
    import Store
    import Documents
    @testable import Extraction
    @testable import Schema
    import Tuning

    func spanDataBenchmark(_ arguments: [String]) throws {
        let db = try value(of: "--db", in: arguments)
        let schemaPath = try value(of: "--schema", in: arguments)
        let goldPath = try value(of: "--gold", in: arguments)
        let out = try value(of: "--out", in: arguments)
        let schema = try Schema.load(schemaPath)
        let gold = try GoldFile.load(goldPath, schema: schema)
        let store = try Store(path: db, create: false)
        let records = try store.documents().filter { $0.status != .failed && $0.pageCount > 0 }
        let index = DocumentNameIndex(records.map(\.path))
        let encoder = try SentenceEncoder()
        let extractor = SpanExtractor(
            schema: schema, embedder: encoder, collectionDates: arguments.contains("--day-first") ? .dayFirst : .monthFirst)
        var texts: [String: Int] = [:]
        var list: [String] = []
        func note(_ t: String) -> Int {
            if let i = texts[t] { return i }
            texts[t] = list.count; list.append(t); return list.count - 1
        }
        var lines: [String] = []
        for (n, row) in gold.enumerated() {
            guard let path = index.match(row.document), let record = records.first(where: { $0.path == path }) else { continue }
            let document = Document(
                kind: record.kind.flatMap(DocumentKind.init(rawValue:)) ?? .text, pages: try store.pages(documentID: record.id, withBoxes: true))
            let prepared = extractor.prepare(document)
            for (f, field) in schema.fields.enumerated() {
                guard field.scalarType != nil, let options = prepared.fields[f] else { continue }
                let g = row.fields[field.name] ?? .null
                let golds: [Value] = if case .array(let a) = g { a } else if g == .null { [] } else { [g] }
                var opts: [[String: Any]] = []
                for i in 0..<options.count {
                    let c = options.spans[i]
                    let y = golds.contains { ValueMatch.pairs([options.values[i]], [$0]) == 1 } ? 1 : 0
                    opts.append([
                        "f": Array(options.features(i)), "y": y,
                        "t": [note(c.keyLeft), note(c.keyAbove), note(c.line), note(c.previous), note(c.text)],
                    ])
                }
                let obj: [String: Any] = [
                    "doc": row.document, "field": field.name, "type": "\(SpanFeatures.typeClass(field.scalarType!))",
                    "list": { if case .scalar = field.kind { false } else { true } }(), "gold": golds.count,
                    "q": note(SpanFeatures.query(for: field)), "options": opts,
                ]
                lines.append(String(decoding: try JSONSerialization.data(withJSONObject: obj), as: UTF8.self))
            }
            if n % 20 == 0 { FileHandle.standardError.write(Data("\(n)/\(gold.count)\n".utf8)) }
        }
        try lines.joined(separator: "\n").write(toFile: out + ".jsonl", atomically: true, encoding: .utf8)
        let vectors = encoder.embed(list)
        var flat: [Float] = []
        for v in vectors { flat += v }
        try flat.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: URL(fileURLWithPath: out + ".f32"))
        try JSONSerialization.data(withJSONObject: list).write(to: URL(fileURLWithPath: out + ".texts.json"))
    }
#endif
