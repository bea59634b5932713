import Foundation

/// Type-aware equality of extracted and gold values, and the pairing of two multisets under it.
package enum ValueMatch {
    /// The most pairs of equal values, one value in at most one pair (a maximum bipartite matching:
    /// tolerances make equality non-transitive, so greedy pairing could miss some).
    package static func pairs(_ predicted: [Value], _ gold: [Value]) -> Int {
        guard !predicted.isEmpty, !gold.isEmpty else { return 0 }
        let p = predicted.map(Comparand.init), g = gold.map(Comparand.init)
        let equal = p.map { a in g.map { b in same(a, b) } }
        var owner = [Int?](repeating: nil, count: g.count)
        func augment(_ i: Int, _ seen: inout [Bool]) -> Bool {
            for j in g.indices where equal[i][j] && !seen[j] {
                seen[j] = true
                if let other = owner[j], !augment(other, &seen) { continue }
                owner[j] = i
                return true
            }
            return false
        }
        var count = 0
        for i in p.indices {
            var seen = [Bool](repeating: false, count: g.count)
            if augment(i, &seen) { count += 1 }
        }
        return count
    }

    /// A value with its folded text, computed once.
    package struct Comparand {
        let value: Value
        let text: String
        package init(_ value: Value) {
            self.value = value
            // Lengths of time compare by amount and unit (`three (3) years` is `3 years`).
            if case .string(let s) = value, let d = ValueParser.duration(s) {
                text = "\(Value.number(d.amount)) \(d.unit)"
            } else {
                text = ValueMatch.folded(value.description)
            }
        }
    }

    /// Dates equal by day; numbers and integers within 0.005 or a relative 1e-6; booleans and
    /// date-times equal; text equal after `folded`. Text against a typed value is first read as
    /// that type (a number, an unambiguous date, a yes/no, a date-time); if it does not read, the
    /// two compare as folded text.
    package static func same(_ a: Comparand, _ b: Comparand) -> Bool {
        switch (a.value, b.value) {
        case (.date(let x), .date(let y)): return x == y
        case (.boolean(let x), .boolean(let y)): return x == y
        case (.dateTime(let x), .dateTime(let y)): return x == y
        case (.string(let s), let other) where !isText(other), (let other, .string(let s)) where !isText(other):
            if let read = read(s, like: other) { return same(Comparand(read), Comparand(other)) }
            return a.text == b.text
        default:
            if let x = a.value.numeric, let y = b.value.numeric { return close(x, y) }
            return a.text == b.text
        }
    }

    static func close(_ x: Double, _ y: Double) -> Bool {
        let difference = abs(x - y)
        return difference <= 0.005 + 1e-9 || difference <= 1e-6 * max(abs(x), abs(y))
    }

    private static func isText(_ value: Value) -> Bool { if case .string = value { true } else { false } }

    /// `text` read as the type of `other`, or nil.
    private static func read(_ text: String, like other: Value) -> Value? {
        switch other {
        case .number, .integer: return ValueParser.number(text).map(Value.number)
        case .boolean: return ValueParser.boolean(text).map(Value.boolean)
        case .dateTime: return ValueParser.dateTime(text).map(Value.dateTime)
        case .date:
            let dayFirst = ValueParser.date(text, order: .dayFirst), monthFirst = ValueParser.date(text, order: .monthFirst)
            return dayFirst == monthFirst ? dayFirst.map(Value.date) : nil
        default: return nil
        }
    }

    /// Text as compared: case-folded, compatibility forms and diacritics folded (`ﬁ` → `fi`,
    /// `é` → `e`, `ß` → `ss`), punctuation and symbols dropped except between two letters or digits
    /// (`9.00`, `e-business`, `O'Brien` keep theirs; typographic apostrophes and dashes become `'`
    /// and `-`), whitespace collapsed, and a leading `the ` dropped:
    /// `The Acme Corp., Inc.` and `ACME CORP INC` both fold to `acme corp inc`.
    package static func folded(_ text: String) -> String {
        var scalars: [Unicode.Scalar] = []
        for scalar in text.lowercased().decomposedStringWithCompatibilityMapping.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: continue
            default: break
            }
            if scalar == "ß" { scalars += ["s", "s"] } else { scalars.append(scalar) }
        }
        func isWordy(_ i: Int) -> Bool {
            scalars.indices.contains(i) && (scalars[i].properties.isAlphabetic || scalars[i].properties.numericType != nil)
        }
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for (i, scalar) in scalars.enumerated() {
            if isWordy(i) {
                if pendingSpace && !out.isEmpty { out.append(" ") }
                pendingSpace = false
                out.append(scalar)
            } else if !scalar.properties.isWhitespace && isWordy(i - 1) && isWordy(i + 1) {
                out.append(connectors[scalar] ?? scalar)
            } else {
                pendingSpace = true
            }
        }
        let result = String(out)
        return result.hasPrefix("the ") ? String(result.dropFirst(4)) : result
    }

    private static let connectors: [Unicode.Scalar: Unicode.Scalar] = [
        "\u{2019}": "'", "\u{2018}": "'", "\u{02BC}": "'", "\u{2010}": "-", "\u{2011}": "-", "\u{2013}": "-", "\u{2014}": "-",
    ]
}
