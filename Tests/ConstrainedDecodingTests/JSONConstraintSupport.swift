import Foundation
import Models

@testable import ConstrainedDecoding
@testable import Schema

/// Helpers for the constrained-decoding tests: a synthetic vocabulary, random schemas and
/// documents, random walks under a constraint, and a JSON reader that keeps key order.
enum ConstraintFixtures {
    /// Field names the random schemas draw from (their pieces are in the vocabulary).
    static let names = [
        "vendor", "customer", "invoice_number", "invoice_date", "due_date", "total", "tax", "currency",
        "paid", "parties", "line_items", "description", "quantity", "amount", "notes", "status",
        "code", "country", "city", "email", "a", "b_1", "x", "_y", "Total2", "when", "number", "date", "count",
        "tags", "item", "lines",
    ]

    static let words = [
        "the", "of", "Acme", "GmbH", "invoice", "Total", "EUR", "USD", "March", "2024", "Berlin",
        "Größe", "café", "€", "😀", "中文", "naïve", "N/A", "yes", "no", "Net 30", "Ltd.", "#12",
        "Straße", "x", "a\"b", "back\\slash", "O'Neil", "50%", "INV-", "PO-", "@", "mail@example.com", ".com", "abc",
    ]

    /// Every single byte (id = byte), then multi-byte chunks that straddle grammar boundaries,
    /// then two control tokens; the last id is end-of-sequence.
    static let vocabulary: (tokens: [[UInt8]?], eos: Int) = {
        var chunks: [String] = [
            "{\"", "\":", "\": ", ": ", "\", \"", "\"}", "\"]", "\", ", ", \"", "}, {\"", "[{\"", "}]",
            "\"}]", "\"]}", "]}", "}}", "null", "nu", "ll", "null, \"", "null}", "true", "false", "tr", "ue",
            "fa", "lse", "true, \"", "[]", "[", ", ", "[\"", "[1", "12", "345", "2024", "-0", ".5", "0.",
            "99", "100", "2024-", "-03-", "-02-", "-1", "14", "29", "30", "31", "T12:", ":00Z", ":30:00",
            "+01:00", "\\\"", "\\\\", "\\n", "\\t", "\\u00", "e9", "\\u20ac", "\\ud83d", "\\ude00",
            "\\u", "D83D", "\\/", " the", " of", "ing", "  ", " ", "\n", "\t", " \"", "\" ", "\"\"",
            "1\"", "0,", "5}", "\"2024-03-14\"", "2024-03-14", "Acme GmbH", " GmbH\"", "EUR\"", "\"EUR",
            "USD", "GBP", "yes\"", "\"no\"", "é", "€", "😀", "中", "文", "Größe", "ß", "ö", "f6", "e\u{301}",
        ]
        for name in names {
            chunks += [name, "\"\(name)\": ", ", \"\(name)\": ", "\(name)\"", "{\"\(name)"]
            if name.count > 3 { chunks += [String(name.prefix(3)), String(name.dropFirst(3)), String(name.dropFirst(3)) + "\": "] }
        }
        for word in words { chunks += [word, " " + word, word + "\"", "\"" + word] }
        var tokens: [[UInt8]?] = (0..<256).map { [UInt8($0)] }
        var seen = Set<[UInt8]>()
        for chunk in chunks where seen.insert(Array(chunk.utf8)).inserted && chunk.utf8.count > 1 { tokens.append(Array(chunk.utf8)) }
        // Multi-byte characters split across tokens.
        for split: [UInt8] in [[0xC3], [0xA9], [0xE2, 0x82], [0xAC], [0xF0, 0x9F], [0x98, 0x80], [0xE4, 0xB8], [0xAD, 0xE6]] {
            tokens.append(split)
        }
        tokens += [nil, nil]
        tokens.append(nil)  // end of sequence
        return (tokens, tokens.count - 1)
    }()

    static let shared = ConstraintVocabulary(tokens: vocabulary.tokens)

    /// Id of the token with exactly these bytes.
    static func id(_ text: String) -> Int? { vocabulary.tokens.firstIndex { $0 == Array(text.utf8) } }

    // MARK: - Random schemas and documents

    static func randomSchema(_ g: inout SeededGenerator, allowTables: Bool = true) -> String {
        var pool = names.shuffled(using: &g)
        let count = Int.random(in: 1...6, using: &g)
        var properties: [String] = []
        var required: [String] = []
        for _ in 0..<count {
            guard let name = pool.popLast() else { break }
            let kind = Int.random(in: 0..<10, using: &g)
            if kind == 9 && allowTables {
                var inner: [String] = []
                var innerRequired: [String] = []
                for _ in 0..<Int.random(in: 1...3, using: &g) {
                    guard let sub = pool.popLast() else { break }
                    inner.append("\"\(sub)\": " + (Bool.random(using: &g) ? randomScalar(&g) : randomList(&g)))
                    if Bool.random(using: &g) { innerRequired.append("\"\(sub)\"") }
                }
                guard !inner.isEmpty else { continue }
                properties.append(
                    "\"\(name)\": {\"type\": \"array\", \"items\": {\"type\": \"object\", \"properties\": {\(inner.joined(separator: ", "))}, \"required\": [\(innerRequired.joined(separator: ", "))]}}"
                )
            } else if kind >= 7 {
                properties.append("\"\(name)\": " + randomList(&g))
            } else {
                properties.append("\"\(name)\": " + randomScalar(&g))
            }
            if Bool.random(using: &g) { required.append("\"\(name)\"") }
        }
        return "{\"type\": \"object\", \"properties\": {\(properties.joined(separator: ", "))}, \"required\": [\(required.joined(separator: ", "))]}"
    }

    static func randomList(_ g: inout SeededGenerator) -> String {
        var text = "{\"type\": \"array\", \"items\": \(randomScalar(&g))"
        if Int.random(in: 0..<3, using: &g) == 0 { text += ", \"minItems\": \(Int.random(in: 0...2, using: &g))" }
        if Int.random(in: 0..<3, using: &g) == 0 { text += ", \"maxItems\": \(Int.random(in: 2...4, using: &g))" }
        return text + "}"
    }

    static func randomScalar(_ g: inout SeededGenerator) -> String {
        switch Int.random(in: 0..<13, using: &g) {
        case 11:
            let patterns = [
                #"^[A-Z]{3}$"#, #"^[A-Z0-9-]+$"#, #"\\d{4}"#, #"^(INV|PO)-\\d+$"#, #"^[^@]+$"#, #"a|b"#, #"^\\S+$"#,
                #"^x*y?z$"#, #"^.{2,5}$"#, #"^[a-z]+( [a-z]+)*$"#, #"(?i)abc"#, #"\\bfoo"#, #"^\\p{L}+$"#, #"é|€"#,
            ]
            let length = Int.random(in: 0..<3, using: &g) == 0 ? ", \"maxLength\": \(Int.random(in: 3...8, using: &g))" : ""
            return "{\"type\": \"string\", \"pattern\": \"\(patterns[Int.random(in: 0..<patterns.count, using: &g)])\"\(length)}"
        case 12: return "{\"type\": \"string\", \"format\": \"email\"}"
        case 0: return "{\"type\": \"string\"}"
        case 1: return "{\"type\": \"string\", \"maxLength\": \(Int.random(in: 1...8, using: &g))}"
        case 2:
            return "{\"type\": \"string\", \"minLength\": \(Int.random(in: 1...3, using: &g)), \"maxLength\": \(Int.random(in: 3...6, using: &g))}"
        case 3:
            let options = ["EUR", "USD", "GBP", "yes", "no", "N/A", "Größe", "a\\\"b", "x y", "€", "E", "EU"].shuffled(using: &g)
            return
                "{\"type\": \"string\", \"enum\": [\(options.prefix(Int.random(in: 1...4, using: &g)).map { "\"\($0)\"" }.joined(separator: ", "))]}"
        case 4: return "{\"type\": \"string\", \"format\": \"date\"}"
        case 5: return "{\"type\": \"string\", \"format\": \"date-time\"}"
        case 6: return "{\"type\": \"number\"}"
        case 7:
            let bounds = [("0", "100"), ("-5.5", "7.25"), ("10", "10"), ("0.5", "0.75"), ("-100", "-1"), ("1000", "1e9")]
            let (lo, hi) = bounds[Int.random(in: 0..<bounds.count, using: &g)]
            let which = Int.random(in: 0..<3, using: &g)
            return "{\"type\": \"number\"" + (which != 1 ? ", \"minimum\": \(lo)" : "") + (which != 0 ? ", \"maximum\": \(hi)" : "") + "}"
        case 8:
            let which = Int.random(in: 0..<4, using: &g)
            return which == 0
                ? "{\"type\": \"integer\"}"
                : which == 1
                    ? "{\"type\": \"integer\", \"minimum\": 1, \"maximum\": 31}"
                    : which == 2 ? "{\"type\": \"integer\", \"enum\": [\"1\", \"12\", \"1.5\"]}" : "{\"type\": \"integer\", \"maximum\": -3}"
        case 9: return "{\"type\": \"boolean\"}"
        default: return "{\"type\": \"number\", \"enum\": [\"2.5\", \"10\", \"-3\", \"1.50\"]}"
        }
    }

    static func randomDocument(_ g: inout SeededGenerator) -> String {
        let pieces = words + ["\n", "\t", ": ", ", ", "  ", "March 3, 2024", "2024-03-14", "14/03/2024", "1,234.50", "\"quoted\"", "\r\n"]
        var text = ""
        for _ in 0..<Int.random(in: 5...60, using: &g) {
            text += pieces[Int.random(in: 0..<pieces.count, using: &g)]
            text += Int.random(in: 0..<3, using: &g) == 0 ? "" : " "
        }
        return text
    }

    // MARK: - Walks

    /// The ids `restrict` allows.
    static func allowed(_ c: inout JSONConstraint) -> [Int] {
        var mask = [Bool](repeating: true, count: vocabulary.tokens.count)
        c.restrict(&mask)
        return mask.indices.filter { mask[$0] }
    }

    /// Walk weights of the tokens when biased: those that close strings, arrays and objects, and
    /// `null`, are 30 times likelier.
    static let closingWeight: [Double] = vocabulary.tokens.map { bytes in
        guard let bytes else { return 1 }
        return bytes.contains(where: { $0 == 0x22 || $0 == 0x5D || $0 == 0x7D }) || bytes == Array("null".utf8) ? 30 : 1
    }

    /// A random walk; `bias` favours tokens that close strings, arrays and objects. Returns the
    /// steps taken and whether it ended with end-of-sequence (nil if a state allowed nothing).
    static func walk(_ c: inout JSONConstraint, _ g: inout SeededGenerator, bias: Bool, bound: Int = 20_000) -> (steps: Int, ended: Bool)? {
        var mask = [Bool](repeating: true, count: vocabulary.tokens.count)
        var ids: [Int] = []
        ids.reserveCapacity(mask.count)
        for step in 0..<bound {
            mask.withUnsafeMutableBufferPointer { $0.update(repeating: true) }
            c.restrict(&mask)
            ids.removeAll(keepingCapacity: true)
            var total = 0.0
            mask.withUnsafeBufferPointer { m in
                closingWeight.withUnsafeBufferPointer { w in
                    for i in 0..<m.count where m[i] {
                        ids.append(i)
                        total += w[i]
                    }
                }
            }
            guard !ids.isEmpty else { return nil }
            var chosen = ids[Int.random(in: 0..<ids.count, using: &g)]
            if bias {
                var r = g.unit() * total
                for id in ids {
                    r -= closingWeight[id]
                    if r < 0 { chosen = id; break }
                }
            }
            c.accept(chosen)
            if chosen == vocabulary.eos { return (step + 1, true) }
        }
        return (bound, false)
    }
}

/// JSON with object keys in order, and numbers as written.
indirect enum OrderedJSON: Equatable {
    case object([(String, OrderedJSON)])
    case array([OrderedJSON])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    static func == (a: OrderedJSON, b: OrderedJSON) -> Bool { "\(a)" == "\(b)" }

    /// Parses one JSON value that makes up all of `text`; nil if it is not one.
    static func parse(_ text: String) -> OrderedJSON? {
        var reader = Reader(bytes: Array(text.utf8))
        guard let value = reader.value(), reader.index == reader.bytes.count else { return nil }
        return value
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        mutating func value() -> OrderedJSON? {
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var members: [(String, OrderedJSON)] = []
                if take("}") { return .object(members) }
                repeat {
                    _ = take(" ")
                    guard case .string(let key)? = value(), take(":") else { return nil }
                    _ = take(" ")
                    guard let v = value() else { return nil }
                    members.append((key, v))
                } while take(",")
                return take("}") ? .object(members) : nil
            case UInt8(ascii: "["):
                index += 1
                var items: [OrderedJSON] = []
                if take("]") { return .array(items) }
                repeat {
                    _ = take(" ")
                    guard let v = value() else { return nil }
                    items.append(v)
                } while take(",")
                return take("]") ? .array(items) : nil
            case UInt8(ascii: "\""):
                let start = index
                index += 1
                while index < bytes.count && bytes[index] != UInt8(ascii: "\"") { index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1 }
                guard index < bytes.count else { return nil }
                index += 1
                let literal = Data(bytes[start..<index])
                guard let s = try? JSONSerialization.jsonObject(with: literal, options: .fragmentsAllowed) as? String else { return nil }
                return .string(s)
            case UInt8(ascii: "t"): return word("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return word("false") ? .bool(false) : nil
            case UInt8(ascii: "n"): return word("null") ? .null : nil
            default:
                let start = index
                while index < bytes.count, "-+.eE0123456789".utf8.contains(bytes[index]) { index += 1 }
                return index > start ? .number(String(decoding: bytes[start..<index], as: UTF8.self)) : nil
            }
        }

        mutating func take(_ c: Character) -> Bool {
            guard index < bytes.count, bytes[index] == c.asciiValue else { return false }
            index += 1
            return true
        }

        mutating func word(_ w: String) -> Bool {
            let b = Array(w.utf8)
            guard index + b.count <= bytes.count, Array(bytes[index..<index + b.count]) == b else { return false }
            index += b.count
            return true
        }
    }
}
