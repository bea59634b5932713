/// Turns the values documents state (dates, numbers, money, booleans, date-times) into normalised
/// values, and finds date and amount mentions in running text. It answers nil rather than guess.
///
/// Dates live in `DateParser.swift`, numbers and money in `NumberParser.swift`.
public enum ValueParser {}

/// How to read an all-numeric date whose first two numbers are both 12 or less (`03/04/2024`).
/// A number above 12 settles the order by itself, whatever the hint; an ambiguous dotted date
/// (`03.04.2024`) is read day first whatever the hint, the convention everywhere dots are written.
public enum DateOrder: Sendable, Hashable {
    /// `03/04/2024` is 3 April 2024 (most of the world).
    case dayFirst
    /// `03/04/2024` is March 4, 2024 (the United States).
    case monthFirst
}

/// Counts of numeric dates that settle the order by themselves (`25/12/2018` day first,
/// `12/25/2018` month first): the evidence a document, or a collection, gives for `DateOrder`.
public struct DateVotes: Sendable, Hashable {
    public var dayFirst = 0
    public var monthFirst = 0

    public init(dayFirst: Int = 0, monthFirst: Int = 0) { self.dayFirst = dayFirst; self.monthFirst = monthFirst }

    /// The order the majority says; nil on a tie (no evidence either way).
    public var order: DateOrder? {
        dayFirst > monthFirst ? .dayFirst : monthFirst > dayFirst ? .monthFirst : nil
    }
}

extension ValueParser {
    /// A yes/no answer, case-insensitive, surrounding whitespace and punctuation ignored:
    /// true for `yes`, `y`, `true`, `x`, `1`, `checked`, `✓`, `✔`, `☑`, `☒`, `ja`, `oui`, `sí`/`si`;
    /// false for `no`, `n`, `false`, `0`, `unchecked`, `☐`, `nein`, `non`.
    /// A bracketed box reads as its mark: `[x]` is true, `[ ]` and `()` are false.
    /// Anything else (including `✗`, which forms use for both answers, and empty text) is nil.
    public static func boolean(_ text: String) -> Bool? {
        var core = text.drop { $0.isWhitespace }
        while let last = core.last, last.isWhitespace || last == "." || last == "!" { core = core.dropLast() }
        if let first = core.first, let last = core.last, core.count >= 2,
            (first == "[" && last == "]") || (first == "(" && last == ")")
        {
            let inner = core.dropFirst().dropLast().filter { !$0.isWhitespace }
            if inner.isEmpty { return false }
            core = Substring(inner)
        }
        switch core.lowercased() {
        case "yes", "y", "true", "x", "1", "checked", "✓", "✔", "☑", "☒", "ja", "oui", "sí", "si": return true
        case "no", "n", "false", "0", "unchecked", "☐", "nein", "non": return false
        default: return nil
        }
    }

    /// An ISO 8601 / RFC 3339 date-time with a UTC offset, normalised to UTC as
    /// `YYYY-MM-DDTHH:MM:SSZ`: `2024-03-14T09:30:00+01:00` → `2024-03-14T08:30:00Z`.
    /// Accepts `T`, `t` or a space between date and time, optional seconds, fractional seconds
    /// (dropped), and `Z`, `±HH:MM`, `±HHMM` or `±HH`. Without an offset the instant is unknown,
    /// so a local time (or a plain date) is nil.
    public static func dateTime(_ text: String) -> String? {
        var reader = DigitReader(Array(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed()))
        guard let year = reader.number(4), reader.take("-"), let month = reader.number(2), reader.take("-"),
            let day = reader.number(2), let date = LocalDate(year: year, month: month, day: day),
            reader.take("T") || reader.take("t") || reader.take(" "),
            let hour = reader.number(2), hour < 24, reader.take(":"), let minute = reader.number(2), minute < 60
        else { return nil }
        var second = 0
        if reader.take(":") {
            guard let s = reader.number(2), s < 60 else { return nil }
            second = s
            if reader.take(".") || reader.take(",") {
                guard reader.number(1) != nil else { return nil }
                while reader.number(1) != nil {}
            }
        }
        var offset = 0
        if !(reader.take("Z") || reader.take("z")) {
            let sign: Int
            if reader.take("+") { sign = 1 } else if reader.take("-") || reader.take("−") { sign = -1 } else { return nil }
            guard let oh = reader.number(2), oh < 24 else { return nil }
            var om = 0
            if !reader.atEnd {
                _ = reader.take(":")
                guard let m = reader.number(2), m < 60 else { return nil }
                om = m
            }
            offset = sign * (oh * 3600 + om * 60)
        }
        guard reader.atEnd else { return nil }
        let total = date.dayNumber * 86_400 + hour * 3600 + minute * 60 + second - offset
        let days = total >= 0 ? total / 86_400 : -((-total + 86_399) / 86_400)
        let seconds = total - days * 86_400
        guard let utc = LocalDate(dayNumber: days) else { return nil }
        func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(utc.iso)T\(pad(seconds / 3600)):\(pad(seconds % 3600 / 60)):\(pad(seconds % 60))Z"
    }

    /// True for the ASCII digits 0–9 only (not other scripts' digits or numeric symbols like `½`).
    static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isWholeNumber }

    /// Reads fixed-width digit fields and single characters from the front of some text.
    struct DigitReader {
        let chars: [Character]
        var position = 0
        init(_ chars: [Character]) { self.chars = chars }
        var atEnd: Bool { position == chars.count }

        /// Consumes `c` if it is next.
        mutating func take(_ c: Character) -> Bool {
            guard position < chars.count, chars[position] == c else { return false }
            position += 1
            return true
        }

        /// Consumes exactly `width` ASCII digits and returns their value.
        mutating func number(_ width: Int) -> Int? {
            guard position + width <= chars.count else { return nil }
            var value = 0
            for c in chars[position..<position + width] {
                guard isDigit(c), let digit = c.wholeNumberValue else { return nil }
                value = value * 10 + digit
            }
            position += width
            return value
        }
    }
}
