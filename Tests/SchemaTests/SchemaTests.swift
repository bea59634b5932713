import Foundation
import QuarryTestSupport
import Testing

@testable import Schema

@Suite struct SchemaTests {
    static let invoice = """
        {"title": "invoice", "type": "object",
         "properties": {
           "invoice_number": {"type": "string", "description": "The invoice's identifier", "pattern": "^[A-Z0-9-]+$"},
           "invoice_date": {"type": "string", "format": "date"},
           "currency": {"type": "string", "enum": ["EUR", "USD", "GBP"]},
           "total": {"type": "number", "minimum": 0},
           "paid": {"type": "boolean"},
           "parties": {"type": "array", "items": {"type": "string", "minLength": 2}, "minItems": 1},
           "line_items": {"type": "array", "items": {"type": "object",
              "properties": {"description": {"type": "string"}, "amount": {"type": "number"}}, "required": ["amount"]}}},
         "required": ["invoice_number", "total"],
         "x-quarry-rules": ["total >= 0", {"rule": "total == sum(line_items.amount)", "tolerance": 0.01, "message": "lines must add up"}]}
        """

    @Test func readsFieldsInFileOrderWithTypesAndConstraints() throws {
        let schema = try Schema.parse(Self.invoice)
        #expect(schema.title == "invoice")
        #expect(schema.fields.map(\.name) == ["invoice_number", "invoice_date", "currency", "total", "paid", "parties", "line_items"])
        #expect(schema.field("invoice_number")?.required == true && schema.field("currency")?.required == false)
        #expect(schema.field("invoice_date")?.scalarType?.format == .date)
        #expect(schema.field("currency")?.scalarType?.enumValues == ["EUR", "USD", "GBP"])
        #expect(schema.field("total")?.scalarType == ScalarType(base: .number, minimum: 0))
        guard case .list(let item, let minItems, _) = schema.field("parties")?.kind else { Issue.record("parties is not a list"); return }
        #expect(item.minLength == 2 && minItems == 1)
        guard case .table(let lines) = schema.field("line_items")?.kind else { Issue.record("line_items is not a table"); return }
        #expect(lines.map(\.name) == ["description", "amount"] && lines[1].required)
        #expect(schema.rules.map(\.source) == ["total >= 0", "total == sum(line_items.amount)"])
        #expect(schema.rules[1].tolerance == 0.01 && schema.rules[1].message == "lines must add up")
    }

    @Test func yamlWorksToo() throws {
        let schema = try Schema.parse("properties:\n  party: {type: array, items: {type: string}}\n  term: {type: string}\n")
        #expect(schema.fields.map(\.name) == ["party", "term"])
    }

    func error(_ text: String) -> String {
        do { _ = try Schema.parse(text, file: "s.json"); return "no error" } catch { return error.description }
    }

    @Test func badSchemasNameTheJSONPointerAndTheReason() {
        #expect(
            error("{\"properties\": {\"total\": {\"type\": \"money\"}}}")
                == "s.json: /properties/total/type: unsupported type money (use string, number, integer, boolean, or array)")
        #expect(error("{\"properties\": {\"d\": {\"type\": \"string\", \"format\": \"day\"}}}").contains("/properties/d/format: unknown format day"))
        #expect(
            error("{\"properties\": {\"n\": {\"type\": \"string\", \"minimum\": 1}}}").contains(
                "/properties/n/minimum: minimum applies to numbers only"))
        #expect(error("{\"properties\": {\"n\": {\"type\": \"number\", \"minimum\": 5, \"maximum\": 1}}}").contains("/properties/n/minimum"))
        #expect(
            error("{\"properties\": {\"p\": {\"type\": \"string\", \"pattern\": \"([a-z\"}}}").contains(
                "/properties/p/pattern: not a valid regular expression"))
        #expect(
            error("{\"properties\": {\"a\": {\"type\": \"string\", \"colour\": \"red\"}}}").contains(
                "/properties/a/colour: unsupported keyword colour"))
        #expect(
            error("{\"properties\": {\"a\": {\"type\": \"string\"}}, \"required\": [\"b\"]}").contains(
                "/required: required field b is not among the properties"))
        #expect(
            error("{\"properties\": {\"total amount\": {\"type\": \"number\"}}}").contains("/properties/total amount: field names must be letters"))
        #expect(error("{\"properties\": {\"id\": {\"type\": \"number\"}}}").contains("reserved"))
        #expect(error("{\"properties\": {\"a\": {\"type\": \"array\"}}}").contains("/properties/a/items: an array needs items"))
        #expect(
            error(
                "{\"properties\": {\"a\": {\"type\": \"array\", \"items\": {\"type\": \"object\", \"properties\": {\"b\": {\"type\": \"array\", \"items\": {\"type\": \"object\", \"properties\": {\"c\": {\"type\": \"string\"}}}}}}}}}"
            ).contains("cannot be nested"))
        #expect(error("{\"type\": \"array\", \"properties\": {}}").contains("/type: the top level must be an object"))
        #expect(
            error("{\"properties\": {\"a\": {\"type\": \"string\"}}, \"x-quarry-rules\": [{\"tolerance\": 1}]}").contains("/x-quarry-rules/0/rule"))
        #expect(error("").contains("empty"))
        #expect(error("{\"properties\": {\"a\": {\"type\": \"string\"}, \"A\": {\"type\": \"string\"}}}").contains("two fields named A"))
    }
}

@Suite struct BundledSchemaTests {
    static let folder = Paths.fixtures.appendingPathComponent("schemas")

    @Test(arguments: ["invoice.json", "kleister-nda.json", "sroie.json", "cuad.json"])
    func bundledSchemasLoadWithTheirRules(_ name: String) throws {
        let schema = try Schema.load(Self.folder.appendingPathComponent(name).path)
        #expect(!schema.fields.isEmpty && schema.fields.allSatisfy { $0.description != nil })
        _ = try Validator(schema: schema, file: name)
    }
}

@Suite struct FixtureGoldTests {
    /// The fixtures' gold rows are valid under the invoice schema, rules included: a check of both.
    @Test func everyFixtureGoldRowValidates() throws {
        let schema = try Schema.load(BundledSchemaTests.folder.appendingPathComponent("invoice.json").path)
        let validator = try Validator(schema: schema)
        let gold = BundledSchemaTests.folder.deletingLastPathComponent().appendingPathComponent("gold")
        let files = try FileManager.default.contentsOfDirectory(atPath: gold.path).filter { $0.hasSuffix(".json") }
        #expect(files.count >= 10)
        for file in files {
            let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: gold.appendingPathComponent(file))) as? [String: Any])
            var row: [String: Value] = [:]
            for field in schema.fields { row[field.name] = field.value(fromJSON: json[field.name]) }
            let report = validator.validate(row)
            #expect(report.isValid, "\(file): \(report.violations)")
            #expect(report.checks > 10)
        }
    }
}
