import Foundation
import Models
import Testing

@testable import ConstrainedDecoding
@testable import Schema

@Suite struct JSONConstraintTests {
    typealias F = ConstraintFixtures
    let vocabulary = F.shared
    let eos = F.vocabulary.eos

    // MARK: - Random schemas, random walks

    @Test func randomWalksOnRandomSchemasEndCompleteAndValid() throws {
        var g = SeededGenerator(seed: 7)
        for round in 0..<300 {
            let text = F.randomSchema(&g)
            let schema = try Schema.parse(text)
            for bias in [false, true] {
                var c = JSONConstraint(schema: schema, vocabulary: vocabulary, endOfSequence: eos)
                let result = F.walk(&c, &g, bias: bias)
                #expect(result?.ended == true, "round \(round) bias \(bias): \(result.map { "\($0)" } ?? "dead end") at \(c.text)\n\(text)")
                #expect(c.isComplete && c.rejectedTokens == 0)
                let problems = Self.problems(c, schema: schema, document: nil)
                #expect(problems.isEmpty, "round \(round) bias \(bias): \(problems)\n\(c.text)\n\(text)")
            }
        }
    }

    @Test func groundedWalksCopyEveryStringFromTheDocument() throws {
        var g = SeededGenerator(seed: 11)
        for round in 0..<300 {
            let text = F.randomSchema(&g)
            let schema = try Schema.parse(text)
            let document = F.randomDocument(&g)
            let grounding = GroundingText(document)
            for bias in [false, true] {
                var c = JSONConstraint(schema: schema, vocabulary: vocabulary, endOfSequence: eos, grounding: grounding)
                let result = F.walk(&c, &g, bias: bias)
                #expect(
                    result?.ended == true, "round \(round) bias \(bias): \(result.map { "\($0)" } ?? "dead end") at \(c.text)\n\(text)\n\(document)")
                let problems = Self.problems(c, schema: schema, document: document)
                #expect(problems.isEmpty, "round \(round) bias \(bias): \(problems)\n\(c.text)\n\(text)\n\(document)")
            }
        }
    }

    @Test func masksAgreeWithReadingEachTokenAlone() throws {
        var g = SeededGenerator(seed: 3)
        for round in 0..<40 {
            let schema = try Schema.parse(F.randomSchema(&g))
            let grounding = round % 2 == 0 ? nil : GroundingText(F.randomDocument(&g))
            var c = JSONConstraint(schema: schema, vocabulary: vocabulary, endOfSequence: eos, grounding: grounding)
            var steps = 0
            while steps < 400 {
                let allowed = Set(F.allowed(&c))
                if steps % 3 == 0 {
                    let stepping = Set(
                        (0..<F.vocabulary.tokens.count).filter { id in
                            var copy = c
                            copy.accept(id)
                            return copy.rejectedTokens == c.rejectedTokens
                        })
                    #expect(
                        allowed == stepping,
                        "round \(round) at \(c.text): only in mask \(allowed.subtracting(stepping).map { F.vocabulary.tokens[$0] ?? [] }), only by stepping \(stepping.subtracting(allowed).map { F.vocabulary.tokens[$0] ?? [] })"
                    )
                }
                guard let next = allowed.randomElement(using: &g), next != eos else { break }
                c.accept(next)
                steps += 1
            }
        }
    }

    // MARK: - Exact cases

    static let invoice = try! Schema.parse(
        """
        {"type": "object", "properties": {
          "number": {"type": "string"},
          "currency": {"type": "string", "enum": ["EUR", "USD", "EURO"]},
          "date": {"type": "string", "format": "date"},
          "total": {"type": "number", "minimum": 0, "maximum": 100},
          "count": {"type": "integer"},
          "paid": {"type": "boolean"},
          "tags": {"type": "array", "items": {"type": "string", "maxLength": 3}, "minItems": 2, "maxItems": 3}},
         "required": ["number", "total", "tags"]}
        """)

    /// A constraint on `invoice` that has read `prefix`, one byte per token.
    func reading(_ prefix: String, schema: Schema = Self.invoice, grounding: GroundingText? = nil, fields: [String]? = nil) -> JSONConstraint {
        var c = JSONConstraint(schema: schema, vocabulary: vocabulary, endOfSequence: eos, grounding: grounding, fields: fields)
        for b in prefix.utf8 { c.accept(Int(b)) }
        #expect(c.rejectedTokens == 0, "\(prefix) was not read")
        return c
    }

    /// The single ASCII bytes allowed next (without the backslash of escapes unless asked).
    func nextBytes(_ prefix: String, schema: Schema = Self.invoice, grounding: GroundingText? = nil, escapes: Bool = false) -> String {
        var c = reading(prefix, schema: schema, grounding: grounding)
        let bytes = F.allowed(&c).filter { $0 < 128 && (escapes || $0 != 0x5C) }.map(UInt8.init)
        return String(decoding: bytes, as: UTF8.self)
    }

    func allows(_ prefix: String, _ token: String, schema: Schema = Self.invoice, grounding: GroundingText? = nil) -> Bool {
        var c = reading(prefix, schema: schema, grounding: grounding)
        guard let id = F.id(token) else { Issue.record("no token \(token)"); return false }
        return F.allowed(&c).contains(id)
    }

    @Test func keysComeInSchemaOrderAndNothingElse() {
        #expect(nextBytes("") == "{")
        #expect(nextBytes("{") == "\"")
        #expect(nextBytes("{\"") == "n")
        #expect(!allows("{", "{\"number") && allows("", "{\"number") && allows("{\"", "number\""))
        #expect(allows("{\"", "number") && allows("{\"", "num") && !allows("{\"", "currency") && !allows("{\"", "cur"))
        #expect(nextBytes("{\"number\"") == ":" && nextBytes("{\"number\":") == " ")
        #expect(allows("{\"number\": \"A\"", ", \"currency\": ") && !allows("{\"number\": \"A\"", ", \"date\": "))
    }

    @Test func enumLiteralsOnly() {
        let start = "{\"number\": \"A\", \"currency\": "
        #expect(nextBytes(start) == "\"n")
        #expect(nextBytes(start + "\"") == "EU")
        #expect(nextBytes(start + "\"E") == "U" && nextBytes(start + "\"EU") == "R")
        #expect(nextBytes(start + "\"EUR") == "\"O")
        #expect(nextBytes(start + "\"EU", escapes: true) == "R\\")
        #expect(allows(start + "\"", "EUR\"") && allows(start, "\"EUR") && !allows(start + "\"", "GBP"))
        // Escapes may spell a literal too: \u0045 is E.
        #expect(nextBytes(start + "\"\\u004") == "5" && nextBytes(start + "\"\\u00") == "45")
    }

    @Test func datesAreRealDates() {
        let start = "{\"number\": \"A\", \"currency\": null, \"date\": \""
        #expect(nextBytes(start) == "0123456789")
        #expect(nextBytes(start + "000") == "123456789")
        #expect(nextBytes(start + "2024") == "-")
        #expect(nextBytes(start + "2024-") == "01" && nextBytes(start + "2024-1") == "012" && nextBytes(start + "2024-0") == "123456789")
        #expect(nextBytes(start + "2024-02-") == "012" && nextBytes(start + "2024-04-3") == "0" && nextBytes(start + "2024-05-3") == "01")
        #expect(nextBytes(start + "2024-02-2") == "0123456789" && nextBytes(start + "2023-02-2") == "012345678")
        #expect(nextBytes(start + "2024-02-29") == "\"")
    }

    @Test func numbersFollowTheirTypeAndBounds() {
        let start = "{\"number\": \"A\", \"currency\": null, \"date\": null, \"total\": "
        #expect(nextBytes(start) == "0123456789")  // minimum 0: no sign; required: no null
        #expect(nextBytes(start + "0") == ",.")  // no leading zeros
        #expect(nextBytes(start + "10") == ",.0")  // 100 fits, 101 does not
        #expect(nextBytes(start + "100") == ",." && nextBytes(start + "100.") == "0")
        #expect(nextBytes(start + "99.99999") == ",0123456789")
        #expect(nextBytes(start + "99.999999") == ",")  // six decimals at most
        let count = start + "5, \"count\": "
        #expect(nextBytes(count) == "-0123456789n")
        #expect(nextBytes(count + "-") == "0123456789")
        #expect(nextBytes(count + "12") == ",0123456789")  // an integer has no point
        #expect(nextBytes(count + "123456789012345") == ",")  // fifteen digits at most
        #expect(nextBytes(count + "1, \"paid\": ") == "fnt")
        #expect(allows(count + "1, \"paid\": ", "true") && allows(count + "1, \"paid\": ", "true, \""))
    }

    @Test func nullOnlyForOptionalFields() {
        #expect(nextBytes("{\"number\": ") == "\"")
        #expect(nextBytes("{\"number\": \"A\", \"currency\": ").contains("n"))
        let tags = "{\"number\": \"A\", \"currency\": null, \"date\": null, \"total\": 1, \"count\": null, \"paid\": null, \"tags\": "
        #expect(nextBytes(tags) == "[")  // required list: no null
        #expect(nextBytes(tags + "[") == "\"")  // nor empty
    }

    @Test func itemCountsAndItemLengths() {
        let tags = "{\"number\": \"A\", \"currency\": null, \"date\": null, \"total\": 1, \"count\": null, \"paid\": null, \"tags\": [\""
        #expect(nextBytes(tags + "abc").hasPrefix("\""))  // maxLength 3: only the quote
        #expect(nextBytes(tags + "abc") == "\"")
        #expect(nextBytes(tags + "a\"") == ",")  // minItems 2
        #expect(nextBytes(tags + "a\", \"b\"") == ",]")
        #expect(nextBytes(tags + "a\", \"b\", \"c\"") == "]")  // maxItems 3
        #expect(nextBytes(tags + "a\", \"b\"]") == "}")
    }

    @Test func endOfSequenceOnlyAtTheEnd() {
        let body = "{\"number\": \"A\", \"currency\": null, \"date\": null, \"total\": 1, \"count\": null, \"paid\": null, \"tags\": [\"a\", \"b\"]"
        var open = reading(body)
        #expect(!F.allowed(&open).contains(eos) && !open.isComplete)
        var done = reading(body + "}")
        #expect(done.isComplete && F.allowed(&done) == [eos])
        done.accept(eos)
        #expect(done.isComplete && done.rejectedTokens == 0 && done.text == body + "}")
        var early = reading(body)
        early.accept(eos)
        #expect(early.rejectedTokens == 1 && !early.isComplete)
    }

    @Test func stringsRejectStrayWhitespaceControlsAndBadEscapes() {
        let start = "{\"number\": \""
        #expect(!nextBytes(start).contains(" ") && !nextBytes(start).contains("\""))  // no leading space, not empty
        #expect(!nextBytes(start + "a ").contains(" ") && !nextBytes(start + "a ").contains("\""))
        #expect(!allows(start + "a", "  ") && allows(start + "a", " the"))
        #expect(!nextBytes(start + "a").contains("\n") && !nextBytes(start + "a").contains("\t"))
        #expect(Set(nextBytes(start + "a\\", escapes: true)) == Set("\"/\\fnrtu"))  // \b is a control character
        #expect(allows(start + "a", "\\n") && Set(nextBytes(start + "\\", escapes: true)) == Set("\"/\\u"))  // no leading newline
        #expect(Set(nextBytes(start + "a\\u12")) == Set("0123456789abcdefABCDEF"))
        #expect(Set(nextBytes(start + "a\\ud")) == Set("0123456789abAB"))  // no lone low surrogate
        #expect(nextBytes(start + "a\\ud83d", escapes: true) == "\\" && nextBytes(start + "a\\ud83d\\") == "u")
        #expect(Set(nextBytes(start + "a\\ud83d\\u")) == Set("dD"))
        #expect(allows(start + "a\\ud83d", "\\ude00"))
    }

    @Test func multiByteCharactersMaySpanTokens() {
        let start = "{\"number\": \"a"
        var c = reading(start)
        let allowed = Set(F.allowed(&c))
        #expect(allowed.contains(0xE2) && !allowed.contains(0x82) && allowed.contains(F.id("€")!))
        c.accept(0xE2)
        let inside = Set(F.allowed(&c))
        #expect(inside.contains(0x82) && !inside.contains(0x41) && !inside.contains(F.id("\"}")!))
        c.accept(0x82); c.accept(0xAC)
        #expect(c.text == "{\"number\": \"a€" && c.rejectedTokens == 0)
        var e0 = reading(start)
        e0.accept(0xE0)  // E0 needs A0...BF next (no overlong forms)
        let afterE0 = Set(F.allowed(&e0))
        #expect(afterE0.contains(0xA0) && !afterE0.contains(0x80))
        var ed = reading(start)
        ed.accept(0xED)  // ED A0 would start a surrogate
        let afterED = Set(F.allowed(&ed))
        #expect(afterED.contains(0x9F) && !afterED.contains(0xA0))
    }

    @Test func tokensMaySpanGrammarElements() {
        #expect(allows("{\"number\": \"A", "\", \"") && allows("{\"number\": \"A", "\"}") == false)
        let tail = "{\"number\": \"A\", \"currency\": null, \"date\": null, \"total\": 1, \"count\": null, \"paid\": null, \"tags\": [\"a\", \"b"
        #expect(allows(tail, "\"]") && allows(tail, "\"]}") && allows(tail, "\", "))
        #expect(allows("{\"number\": \"A\", \"currency\": ", "null, \"") && !allows("{\"number\": ", "null, \""))
    }

    @Test func fieldsSelectAndOrderASubset() {
        var c = reading("", fields: ["total", "number", "missing", "total"])
        for b in "{\"total\": 5, \"number\": \"x\"}".utf8 { c.accept(Int(b)) }
        #expect(c.isComplete && c.rejectedTokens == 0)
    }

    @Test func groundedStringsAreCopiedFromTheDocument() throws {
        let schema = try Schema.parse(
            """
            {"type": "object", "properties": {"vendor": {"type": "string"}, "date": {"type": "string", "format": "date"},
              "currency": {"type": "string", "enum": ["EUR", "USD"]}, "total": {"type": "number"},
              "lines": {"type": "array", "items": {"type": "object", "properties": {"item": {"type": "string", "maxLength": 4}}}}},
             "required": ["vendor"]}
            """)
        let grounding = GroundingText("Acme \"Tools\" GmbH\nBerlin, March 3, 2024. Größe: 5 EUR\\unit")
        let c = JSONConstraint(schema: schema, vocabulary: vocabulary, endOfSequence: eos, grounding: grounding)
        #expect(c.groundedFields == ["vendor", "date", "lines.item"])
        #expect(nextBytes("{\"vendor\": \"", schema: schema, grounding: grounding, escapes: true) == ",.02345:ABEGHMRTU\\abcehilmnorstu")
        #expect(nextBytes("{\"vendor\": \"Ac", schema: schema, grounding: grounding) == "\"m")
        #expect(nextBytes("{\"vendor\": \"Acme", schema: schema, grounding: grounding) == " \"")
        #expect(nextBytes("{\"vendor\": \"Acme ", schema: schema, grounding: grounding, escapes: true) == "\\")  // \" only
        #expect(nextBytes("{\"vendor\": \"Acme \\", schema: schema, grounding: grounding) == "\"u")
        #expect(nextBytes("{\"vendor\": \"GmbH", schema: schema, grounding: grounding, escapes: true) == "\"\\")  // \n next
        #expect(nextBytes("{\"vendor\": \"GmbH\\", schema: schema, grounding: grounding) == "nu")  // not a trailing newline: Berlin follows
        #expect(allows("{\"vendor\": \"GmbH\\n", "Berlin\"", schema: schema, grounding: grounding))
        #expect(nextBytes("{\"vendor\": \"EUR", schema: schema, grounding: grounding, escapes: true) == "\"\\")
        let date = "{\"vendor\": \"Acme\", \"date\": \""
        #expect(allows(date, "March", schema: schema, grounding: grounding) && !allows(date, "2024-", schema: schema, grounding: grounding))
        let currency = date + "March 3, 2024\", \"currency\": \""
        #expect(nextBytes(currency, schema: schema, grounding: grounding) == "EU")  // enums are not grounded
        let item = currency + "USD\", \"total\": 1, \"lines\": [{\"item\": \"Gr"
        #expect(nextBytes(item, schema: schema, grounding: grounding, escapes: true) == "\"\\")  // ö, \u00f6 or \u00F6
        #expect(allows(item, "ö", schema: schema, grounding: grounding) && allows(item + "\\u00", "f6", schema: schema, grounding: grounding))
        #expect(!allows(item + "\\u00", "e9", schema: schema, grounding: grounding))
        #expect(nextBytes(item + "öß", schema: schema, grounding: grounding) == "\"")  // maxLength 4
    }

    @Test func patternsAndEmailsAreEnforced() throws {
        let schema = try Schema.parse(
            #"""
            {"properties": {"currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
              "code": {"type": "string", "pattern": "\\d{4}", "maxLength": 5},
              "ref": {"type": "string", "pattern": "^(INV|PO)-\\d+$"},
              "words": {"type": "string", "pattern": "^[a-z]+( [a-z]+)*$"},
              "mail": {"type": "string", "format": "email"},
              "loose": {"type": "string", "pattern": "(?i)abc"}},
             "required": ["currency", "code", "ref", "words", "mail", "loose"]}
            """#)
        let upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        #expect(nextBytes("{\"currency\": \"", schema: schema) == upper)
        #expect(nextBytes("{\"currency\": \"EU", schema: schema) == upper && nextBytes("{\"currency\": \"EUR", schema: schema) == "\"")
        let code = "{\"currency\": \"EUR\", \"code\": \""
        #expect(nextBytes(code + "a", schema: schema) == "0123456789")  // four digits still fit in five
        #expect(nextBytes(code + "a1234", schema: schema) == "\"" && nextBytes(code + "12", schema: schema) == "0123456789")
        let ref = code + "1234\", \"ref\": \""
        #expect(nextBytes(ref, schema: schema) == "IP" && nextBytes(ref + "PO", schema: schema) == "-")
        #expect(nextBytes(ref + "PO-", schema: schema) == "0123456789" && nextBytes(ref + "PO-7", schema: schema) == "\"0123456789")
        let words = ref + "INV-1\", \"words\": \""
        #expect(nextBytes(words + "net", schema: schema) == " \"abcdefghijklmnopqrstuvwxyz")
        #expect(nextBytes(words + "net ", schema: schema) == "abcdefghijklmnopqrstuvwxyz")
        #expect(allows(words + "net", "\\t", schema: schema))  // read as a space, as the validator will
        let mail = words + "net thirty\", \"mail\": \""
        #expect(!nextBytes(mail, schema: schema).contains("@") && nextBytes(mail + "a", schema: schema).contains("@"))
        #expect(!nextBytes(mail + "a@", schema: schema).contains("@") && !nextBytes(mail + "a@b", schema: schema).contains("\""))
        #expect(nextBytes(mail + "a@b.c", schema: schema).contains("\"") && !nextBytes(mail + "a@b.", schema: schema).contains("\""))
        // Flags are not in the supported subset: the validator checks that pattern afterwards.
        #expect(nextBytes(mail + "a@b.c\", \"loose\": \"", schema: schema).count > 60)
    }

    @Test func unsupportedRegexSyntaxIsRecognised() {
        for supported in [#"^[A-Z]{3}$"#, #"\d+(\.\d{1,2})?"#, #"^(?:a|b)*c$"#, #"[^\s@]+@x\.org"#, #"\x41\u00e9\x{1F600}"#, #"^a{2,}?$"#] {
            #expect(RegexNFA.compile(supported) != nil, "\(supported)")
        }
        for unsupported in [
            #"(?i)abc"#, #"\bword"#, #"(a)\1"#, #"a(?=b)"#, #"\p{L}"#, #"a*+"#, #"[a-z&&[^x]]"#, #"[^\d]"#, #"a^b"#, #"(^a)"#, #"a{2"#,
        ] {
            #expect(RegexNFA.compile(unsupported) == nil, "\(unsupported)")
        }
    }

    @Test func aDocumentWithoutTextLeavesGroundedFieldsNull() throws {
        let schema = try Schema.parse(
            #"{"properties": {"a": {"type": "string"}, "b": {"type": "array", "items": {"type": "string"}}}, "required": ["a", "b"]}"#)
        let grounding = GroundingText(" \n ")
        #expect(nextBytes("{\"a\": ", schema: schema, grounding: grounding) == "n")
        #expect(nextBytes("{\"a\": null, \"b\": ", schema: schema, grounding: grounding) == "[n")
        #expect(nextBytes("{\"a\": null, \"b\": [", schema: schema, grounding: grounding) == "]")
    }

    // MARK: - Checking an output

    /// What is wrong with a finished output: not JSON, keys or types out of place, validator
    /// violations the constraint should have prevented, grounded strings not in the document.
    static func problems(_ c: JSONConstraint, schema: Schema, document: String?) -> [String] {
        let text = c.text
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return ["not a JSON object"] }
        guard let ordered = OrderedJSON.parse(text) else { return ["the ordered reader fails"] }
        var found = shape(ordered, fields: schema.fields, path: "")
        var row: [String: Value] = [:]
        for field in schema.fields { row[field.name] = field.value(fromJSON: object[field.name]) }
        let report = (try? Validator(schema: schema))?.validate(row)
        let combining = strings(ordered).contains { $0.count != $0.unicodeScalars.count }
        let groundedPaths = Set(c.groundedFields)
        for v in report?.violations ?? [] {
            let path = v.field.replacingOccurrences(of: #"\[\d+\]"#, with: "", options: .regularExpression)
            if v.rule == "minLength" && (combining || document != nil) { continue }  // graphemes, or not enforced
            if v.rule == "format" && groundedPaths.contains(path) { continue }  // the document's own spelling
            if v.rule == "pattern", let type = scalarType(schema.fields, path.split(separator: ".").map(String.init)),
                document != nil || !enforcesPattern(type)
            {
                continue
            }  // left to the validator
            found.append("\(v)")
        }
        if let document {
            let bytes = Data(document.utf8)
            for path in c.groundedFields {
                for s in values(ordered, path: path.split(separator: ".").map(String.init)) where bytes.range(of: Data(s.utf8)) == nil {
                    found.append("\(path): \"\(s)\" is not in the document")
                }
            }
        }
        return found
    }

    static func scalarType(_ fields: [Field], _ path: [String]) -> ScalarType? {
        guard let first = path.first, let field = fields.first(where: { $0.name == first }) else { return nil }
        if case .table(let inner) = field.kind { return scalarType(inner, Array(path.dropFirst())) }
        return field.scalarType
    }

    /// Whether the constraint enforces a string type's pattern (else the validator checks it).
    static func enforcesPattern(_ type: ScalarType) -> Bool {
        guard let pattern = type.pattern else { return true }
        return PatternAutomaton(patterns: [pattern], minLength: Int32(max(type.minLength ?? 1, 1)), maxLength: Int32(type.maxLength ?? -1)) != nil
    }

    static func shape(_ value: OrderedJSON, fields: [Field], path: String) -> [String] {
        guard case .object(let members) = value else { return ["\(path): not an object"] }
        guard members.map(\.0) == fields.map(\.name) else { return ["\(path): keys \(members.map(\.0))"] }
        var found: [String] = []
        for (field, (_, v)) in zip(fields, members) {
            let name = path + field.name
            switch (field.kind, v) {
            case (_, .null): if field.required { found.append("\(name): null") }
            case (.scalar(let t), _): found += scalarShape(v, t, name)
            case (.list(let t, _, _), .array(let items)):
                if field.required && items.isEmpty { found.append("\(name): empty") }
                for item in items { found += scalarShape(item, t, name) }
            case (.table(let inner), .array(let rows)):
                if field.required && rows.isEmpty { found.append("\(name): empty") }
                for row in rows { found += shape(row, fields: inner, path: name + ".") }
            default: found.append("\(name): \(v)")
            }
        }
        return found
    }

    static func scalarShape(_ v: OrderedJSON, _ t: ScalarType, _ name: String) -> [String] {
        switch (t.base, v) {
        case (.string, .string(let s)): return s.isEmpty ? ["\(name): empty string"] : []
        case (.number, .number(let n)): return n.contains("e") || n.contains("E") ? ["\(name): \(n)"] : []
        case (.integer, .number(let n)): return n.contains(".") ? ["\(name): \(n) is not an integer"] : []
        case (.boolean, .bool): return []
        default: return ["\(name): \(v) for \(t.base)"]
        }
    }

    static func strings(_ v: OrderedJSON) -> [String] {
        switch v {
        case .string(let s): [s]
        case .array(let items): items.flatMap(strings)
        case .object(let members): members.flatMap { strings($0.1) }
        default: []
        }
    }

    /// The strings at a dotted path (through arrays).
    static func values(_ v: OrderedJSON, path: [String]) -> [String] {
        switch v {
        case .array(let items): return items.flatMap { values($0, path: path) }
        case .object(let members):
            guard let first = path.first, let member = members.first(where: { $0.0 == first }) else { return [] }
            return values(member.1, path: Array(path.dropFirst()))
        case .string(let s): return path.isEmpty ? [s] : []
        default: return []
        }
    }
}
