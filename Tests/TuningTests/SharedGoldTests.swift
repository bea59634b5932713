import Foundation
import QuarryTestSupport
import Schema
import Testing

@testable import Tuning

/// Runs scripts/gold/convert.py on the datasets in ../shared/data and on the committed fixtures,
/// loads each output with `GoldFile.load` against its schema, checks counts and types, and scores
/// each gold file against itself (which must be perfect). Skips where ../shared/data or python3 is
/// absent.
@Suite(.serialized) struct SharedGoldTests {
    static let data = Paths.sharedData
    static let python = run(["python3", "--version"])?.status == 0
    static let sharedData = Paths.hasSharedData(["kleister-nda-train", "sroie-train", "cuad-sample"])
    static let sharedDataMissing: Comment = "../shared/data (or python3) is absent: skipping the dataset gold conversions"

    static func run(_ arguments: [String]) -> (status: Int32, output: String, errors: String)? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = Paths.repository
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        guard (try? process.run()) != nil else { return nil }
        let output = out.fileHandleForReading.readDataToEndOfFile(), errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
    }

    /// Runs a converter subcommand writing `<name>.jsonl` in a fresh folder; returns the folder.
    static func convert(_ command: String, _ arguments: [String]) throws -> URL {
        let folder = try Paths.scratch("quarry-gold")
        let script = Paths.repository.appendingPathComponent("scripts/gold/convert.py").path
        let out = folder.appendingPathComponent("\(command).jsonl").path
        let result = try #require(run(["python3", script, command] + arguments + ["--out", out]))
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("wrote"), "\(result.output)")
        return folder
    }

    static func schema(_ name: String) throws -> Schema {
        try Schema.load(Paths.fixture("schemas/\(name).json"))
    }

    /// Scores gold against itself: every value must find its partner.
    static func expectPerfectSelfScore(_ rows: [GoldRow], _ schema: Schema) {
        let predicted = Dictionary(rows.map { ($0.document, $0.fields) }, uniquingKeysWith: { first, _ in first })
        let report = Evaluator.evaluate(schema: schema, predicted: predicted, gold: rows)
        #expect(report.micro.precision == 1 && report.micro.recall == 1 && report.macroExact == 1 && report.missing.isEmpty)
    }

    static func isDate(_ value: Value?) -> Bool { if case .date = value { true } else { false } }

    @Test(.enabled(if: python, "python3 is absent: skipping the fixtures gold conversion"))
    func fixtures() throws {
        let folder = try Self.convert("fixtures", ["--gold", Paths.fixture("gold")])
        defer { try? FileManager.default.removeItem(at: folder) }
        let schema = try Self.schema("invoice")
        let rows = try GoldFile.load(folder.appendingPathComponent("fixtures.jsonl").path, schema: schema)
        #expect(rows.count == 16)
        for row in rows {
            #expect(FileManager.default.fileExists(atPath: Paths.fixture("documents/\(row.document)")))
            #expect(Self.isDate(row.fields["invoice_date"]) && row.fields["total"]?.numeric != nil, "\(row.document)")
        }
        Self.expectPerfectSelfScore(rows, schema)
    }

    @Test(.enabled(if: python && sharedData, sharedDataMissing))
    func kleister() throws {
        let dataset = Self.data.appendingPathComponent("kleister-nda-train")
        let folder = try Self.convert("kleister", ["--data", dataset.path])
        defer { try? FileManager.default.removeItem(at: folder) }
        let schema = try Self.schema("kleister-nda")
        let rows = try GoldFile.load(folder.appendingPathComponent("kleister.jsonl").path, schema: schema)
        #expect(rows.count == 254)
        for row in rows {
            #expect(FileManager.default.fileExists(atPath: dataset.appendingPathComponent("documents/\(row.document)").path))
            #expect(row.fields["effective_date"] == .null || Self.isDate(row.fields["effective_date"]), "\(row.document)")
            guard case .array(let parties) = row.fields["party"] else { Issue.record("\(row.document): no party list"); continue }
            #expect(parties.allSatisfy { !$0.description.contains("_") }, "\(row.document)")
        }
        // Two of the 254 agreements have no party in Kleister's gold.
        #expect(rows.filter { $0.fields["party"] == .array([]) }.count == 2)
        let terms = Set(rows.compactMap { $0.fields["term"]?.description })
        #expect(terms.contains("3 years"))
        Self.expectPerfectSelfScore(rows, schema)
    }

    @Test(.enabled(if: python && sharedData, sharedDataMissing))
    func sroie() throws {
        let dataset = Self.data.appendingPathComponent("sroie-train")
        let texts = FileManager.default.temporaryDirectory.appendingPathComponent("quarry-sroie-\(UUID().uuidString)")
        let folder = try Self.convert("sroie", ["--data", dataset.path, "--documents", texts.path])
        defer { try? FileManager.default.removeItem(at: folder); try? FileManager.default.removeItem(at: texts) }
        let schema = try Self.schema("sroie")
        let rows = try GoldFile.load(folder.appendingPathComponent("sroie.jsonl").path, schema: schema)
        #expect(rows.count == 400)
        for row in rows {
            #expect(FileManager.default.fileExists(atPath: texts.appendingPathComponent(row.document).path), "\(row.document)")
            #expect(Self.isDate(row.fields["date"]), "\(row.document)")
            #expect(row.fields["total"]?.numeric != nil || row.fields["total"] == .null, "\(row.document)")
            // Where Quarry's own parser reads the receipt's date day first, it agrees with the converter.
            let key = dataset.appendingPathComponent("key/" + row.document.replacingOccurrences(of: ".txt", with: ".json"))
            let raw = (try JSONSerialization.jsonObject(with: Data(contentsOf: key)) as? [String: Any])?["date"] as? String
            if let raw, let parsed = ValueParser.date(raw, order: .dayFirst) { #expect(row.fields["date"] == .date(parsed), "\(raw)") }
        }
        #expect(rows.filter { $0.fields["total"] == .null }.count <= 1)
        let first = try String(contentsOf: texts.appendingPathComponent("000.txt"), encoding: .utf8)
        #expect(first.hasPrefix("TAN WOON YANN\nBOOK TA .K(TAMAN DAYA) SDN BND\n"))
        Self.expectPerfectSelfScore(rows, schema)
    }

    @Test(.enabled(if: python && sharedData, sharedDataMissing))
    func cuad() throws {
        let dataset = Self.data.appendingPathComponent("cuad-sample")
        let folder = try Self.convert("cuad", ["--data", dataset.path])
        defer { try? FileManager.default.removeItem(at: folder) }
        let schema = try Self.schema("cuad")
        let rows = try GoldFile.load(folder.appendingPathComponent("cuad.jsonl").path, schema: schema)
        #expect(rows.count == 20)
        for row in rows {
            #expect(FileManager.default.fileExists(atPath: dataset.appendingPathComponent("pdf/\(row.document)").path), "\(row.document)")
            for name in ["agreement_date", "effective_date", "expiration_date"] {
                #expect(row.fields[name] == .null || Self.isDate(row.fields[name]), "\(row.document) \(name)")
            }
            guard case .array(let parties) = row.fields["parties"] else { Issue.record("\(row.document): no parties"); continue }
            #expect(!parties.isEmpty && parties.allSatisfy { !$0.description.contains("(\"") }, "\(row.document)")
        }
        Self.expectPerfectSelfScore(rows, schema)
    }
}
