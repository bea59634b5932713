import Extraction
import Foundation
import Schema

/// What one field's values look like across a set of documents, from the rows the current policy
/// gives for them: how often the field has a value, the robust spread of its numbers (of their
/// logarithms when all are positive) or of its dates' years, and how often each text shape occurs.
/// The set consistency judge asks it how typical a candidate's value is.
public struct FieldProfile: Sendable, Equatable {
    /// How a field's values are compared with the set's.
    public enum Kind: String, Sendable, Equatable { case number, date, text, other }

    /// The quartiles of a set of numbers.
    public struct Spread: Sendable, Equatable {
        public let lower: Double
        public let median: Double
        public let upper: Double
        /// Whether the numbers are base-10 logarithms of the values.
        public let logarithmic: Bool
    }

    public let field: String
    public let kind: Kind
    /// How many rows the set has, and how many give the field a value.
    public let rows: Int
    public let present: Int
    /// How many values were profiled (the items of a list field each count).
    public let values: Int
    /// Numbers and dates: the quartiles of the values (dates: of their years).
    public let spread: Spread?
    /// Text: how many values have each shape (`FieldProfile.shape(of:)`).
    public let shapes: [String: Int]

    /// The profile of `field` from its value in each row of the set (null when absent).
    public init(field: Field, rows: [Value]) {
        self.field = field.name
        kind = field.scalarType.map(Self.kind) ?? .other
        self.rows = rows.count
        let items = rows.flatMap(Self.items)
        present = rows.filter { !Self.items($0).isEmpty }.count
        values = items.count
        switch kind {
        case .number:
            let numbers = items.compactMap(\.numeric)
            let logarithmic = !numbers.isEmpty && numbers.allSatisfy { $0 > 0 }
            spread = Self.spread(logarithmic ? numbers.map(log10) : numbers, logarithmic: logarithmic)
            shapes = [:]
        case .date:
            spread = Self.spread(items.compactMap(Self.year).map(Double.init), logarithmic: false)
            shapes = [:]
        case .text:
            spread = nil
            shapes = items.reduce(into: [:]) { counts, item in
                if case .string(let text) = item { counts[Self.shape(of: text), default: 0] += 1 }
            }
        case .other:
            spread = nil
            shapes = [:]
        }
    }

    /// A coarse format signature of a text: each word's characters as classes with runs
    /// collapsed (`A` upper case, `a` lower case, `9` digit, punctuation as itself), so that
    /// `Acme Trading Inc.` is `Aa Aa Aa.` and `INV-2024-0042` is `A-9-9`; texts of more than four
    /// words keep only the set of classes and a word-count bucket. A length bucket follows.
    public static func shape(of text: String) -> String {
        let words = text.split(whereSeparator: \.isWhitespace)
        func classes(_ word: Substring) -> String {
            var out = "", last = ""
            for c in word {
                let cls = c.isUppercase ? "A" : c.isLetter ? "a" : c.isNumber ? "9" : String(c)
                if cls != last { out += cls; last = cls }
            }
            return out
        }
        let body: String
        if words.count <= 4 {
            body = words.map(classes).joined(separator: " ")
        } else {
            let present = Set(words.map(classes).joined().map(String.init)).sorted().joined()
            body = "\(present) ×\(words.count <= 8 ? "5-8" : words.count <= 16 ? "9-16" : "17+") words"
        }
        let n = text.count
        let length = n <= 3 ? "1-3" : n <= 10 ? "4-10" : n <= 30 ? "11-30" : n <= 100 ? "31-100" : "101+"
        return "\(body) |\(length)"
    }

    /// How typical `value` (null included) is of the set, in [0, 1], and why; nil when the set
    /// says nothing about it: fewer than `minimumValues` rows or values, a value where most of the
    /// set is null, a null where most of the set is null too, text without a shape held by at least
    /// `minimumShare` of the set, or a kind the profile does not compare.
    public func judge(_ value: Value, minimumValues: Int = 5, minimumShare: Double = 0.3) -> (score: Double, reason: String)? {
        guard rows >= minimumValues else { return nil }
        let presence = Double(present) / Double(rows)
        let items = Self.items(value)
        guard !items.isEmpty else {
            guard presence >= 0.5 else { return nil }
            return (1 - presence, "null where \(Self.percent(presence)) of the set has a value")
        }
        guard presence >= 0.5, values >= minimumValues else { return nil }
        let judged = items.compactMap { judgeItem($0, minimumShare: minimumShare) }
        guard !judged.isEmpty else { return nil }
        let worst = judged.min { $0.score < $1.score }
        return (judged.map(\.score).reduce(0, +) / Double(judged.count), worst?.reason ?? "")
    }

    private func judgeItem(_ item: Value, minimumShare: Double) -> (score: Double, reason: String)? {
        switch kind {
        case .number:
            guard let spread, let x = item.numeric else { return nil }
            if spread.logarithmic, x <= 0 { return (0, "\(item) is not positive, while every value of the set is") }
            let t = spread.logarithmic ? log10(x) : x
            let floor = spread.logarithmic ? 0.1 : max(0.1 * abs(spread.median), 1e-9)
            let shown = { (v: Double) in Self.number(spread.logarithmic ? pow(10, v) : v) }
            return Self.falloff(t, spread, floor: floor, describe: "\(item)", range: "\(shown(spread.lower))–\(shown(spread.upper))")
        case .date:
            guard let spread, let year = Self.year(item) else { return nil }
            return Self.falloff(
                Double(year), spread, floor: 1, describe: "the year \(year)",
                range: "\(Int(spread.lower.rounded(.down)))–\(Int(spread.upper.rounded(.up)))")
        case .text:
            guard case .string(let text) = item, let top = shapes.values.max(), top > 0,
                Double(top) / Double(values) >= minimumShare
            else { return nil }
            let shape = Self.shape(of: text)
            let count = shapes[shape] ?? 0
            let common = shapes.filter { $0.value == top }.keys.sorted().first ?? ""
            return (
                Double(count) / Double(top),
                "shape ‹\(shape)› is held by \(count) of \(values) values; the most common is ‹\(common)› (\(top))"
            )
        case .other:
            return nil
        }
    }

    /// 1 inside the quartiles widened by 1.5 interquartile ranges, then exp(−distance / range).
    private static func falloff(_ t: Double, _ spread: Spread, floor: Double, describe: String, range: String) -> (score: Double, reason: String) {
        let width = max(spread.upper - spread.lower, floor)
        let low = spread.lower - 1.5 * width, high = spread.upper + 1.5 * width
        let distance = t < low ? low - t : t > high ? t - high : 0
        let side = t < low ? "below" : "above"
        return distance == 0
            ? (1, "\(describe) lies within the set's usual \(range)")
            : (exp(-distance / width), "\(describe) lies far \(side) the set's usual \(range)")
    }

    private static func spread(_ numbers: [Double], logarithmic: Bool) -> Spread? {
        guard !numbers.isEmpty else { return nil }
        let sorted = numbers.sorted()
        func quantile(_ q: Double) -> Double {
            let position = q * Double(sorted.count - 1)
            let below = Int(position.rounded(.down)), above = min(below + 1, sorted.count - 1)
            return sorted[below] + (position - Double(below)) * (sorted[above] - sorted[below])
        }
        return Spread(lower: quantile(0.25), median: quantile(0.5), upper: quantile(0.75), logarithmic: logarithmic)
    }

    static func kind(_ type: ScalarType) -> Kind {
        switch (type.base, type.format) {
        case (.number, _), (.integer, _): .number
        case (.string, .date?), (.string, .dateTime?): .date
        case (.string, _): .text
        case (.boolean, _): .other
        }
    }

    /// A scalar as one item, a list as its items, null and the empty list as none.
    static func items(_ value: Value) -> [Value] {
        switch value {
        case .null: []
        case .array(let items): items.filter { !$0.isNull }
        default: [value]
        }
    }

    static func year(_ value: Value) -> Int? {
        switch value {
        case .date(let d): d.year
        case .dateTime(let text): Int(text.prefix(4))
        default: nil
        }
    }

    private static func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }

    private static func number(_ x: Double) -> String {
        abs(x) >= 100 ? String(Int(x.rounded())) : String(format: "%.3g", x)
    }
}

/// The profiles of a schema's fields over a set of documents.
public struct SetProfile: Sendable, Equatable {
    public let fields: [String: FieldProfile]

    /// Profiles every scalar and list field from one row per document of the set.
    public init(schema: Schema, rows: [[String: Value]]) {
        var fields: [String: FieldProfile] = [:]
        for field in schema.fields where field.scalarType != nil {
            fields[field.name] = FieldProfile(field: field, rows: rows.map { $0[field.name] ?? .null })
        }
        self.fields = fields
    }
}
