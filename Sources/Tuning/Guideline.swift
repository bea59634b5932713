import Extraction
import Schema

/// An expert's guideline compiled into a check on the fields it names (`GuidelineJudge.compile`).
public struct Guideline: Sendable, Equatable {
    /// The guideline as written, named in explanations.
    public let text: String
    /// The schema fields it talks about.
    public let fields: [String]
    public let check: Check

    public init(text: String, fields: [String], check: Check) {
        self.text = text
        self.fields = fields
        self.check = check
    }

    /// What a guideline asks of each value of its fields.
    public enum Check: Sendable, Equatable {
        /// The field has a value (a null fails).
        case present
        /// The text is a name ending with a company's legal suffix (`Inc.`, `LLC`, `GmbH`, …; a
        /// bare suffix such as `Company` is not); with `false`, it is not.
        case legalSuffix(Bool)
        /// Every letter is upper case (`true`) or lower case (`false`).
        case upperCase(Bool)
        /// The number of words of the text.
        case words(Bounds)
        /// The number of characters of the text.
        case characters(Bounds)
        /// The number (numbers, integers, and text that reads as one).
        case number(Bounds)
        /// The length of time the text states, in days (`3 years` is 1095.75).
        case durationDays(Bounds)
        /// The text states a length of time (`three (3) years`, `90 days`).
        case duration
        /// The value is one of these (compared without case).
        case oneOf([String])
        /// The text starts with this (compared without case); with `false`, it does not.
        case prefix(String, Bool)
        /// The text ends with this (compared without case); with `false`, it does not.
        case suffix(String, Bool)
        /// The text around the value's evidence is about `topic` and not about `contrast`.
        case about(String, not: String?)
    }

    /// Limits on a quantity; `strict` excludes the limits themselves.
    public struct Bounds: Sendable, Equatable {
        public let minimum: Double?
        public let maximum: Double?
        public let strict: Bool

        public init(minimum: Double? = nil, maximum: Double? = nil, strict: Bool = false) {
            self.minimum = minimum
            self.maximum = maximum
            self.strict = strict
        }

        public func contains(_ x: Double) -> Bool {
            if let minimum, strict ? x <= minimum : x < minimum { return false }
            if let maximum, strict ? x >= maximum : x > maximum { return false }
            return true
        }
    }
}

extension Guideline.Check {
    /// The score of one non-null value, 0 or 1; nil when the check does not apply to values of its
    /// kind. `present` gives 1 and `about` nil: those the judge scores with more than the value.
    func score(_ value: Value) -> Double? {
        let text: String? = if case .string(let t) = value { t } else { nil }
        func pass(_ ok: Bool) -> Double { ok ? 1 : 0 }
        switch self {
        case .present: return 1
        case .about: return nil
        case .legalSuffix(let wanted):
            return text.map { pass(Self.namesWithLegalSuffix($0) == wanted) }
        case .upperCase(let upper):
            guard let letters = text?.filter(\.isLetter), !letters.isEmpty else { return nil }
            return pass(letters.allSatisfy { upper ? $0.isUppercase : $0.isLowercase })
        case .words(let bounds):
            return text.map { pass(bounds.contains(Double($0.split(whereSeparator: \.isWhitespace).count))) }
        case .characters(let bounds):
            return text.map { pass(bounds.contains(Double($0.count))) }
        case .number(let bounds):
            guard let x = value.numeric ?? text.flatMap(ValueParser.number) else { return nil }
            return pass(bounds.contains(x))
        case .durationDays(let bounds):
            guard let text else { return nil }
            guard let days = Self.days(text) else { return 0 }
            return pass(bounds.contains(days))
        case .duration:
            return pass(text.flatMap(ValueParser.duration) != nil)
        case .oneOf(let options):
            let key = Self.plain(value.description)
            return pass(options.contains { Self.plain($0) == key })
        case .prefix(let start, let wanted):
            return pass(Self.plain(value.description).hasPrefix(Self.plain(start)) == wanted)
        case .suffix(let end, let wanted):
            return pass(Self.plain(value.description).hasSuffix(Self.plain(end)) == wanted)
        }
    }

    /// A name followed by a company's legal suffix (`Acme Trading Ltd`): a bare suffix or a
    /// defined term (`Company`, `the Company`) names no one and does not count.
    static func namesWithLegalSuffix(_ text: String) -> Bool {
        guard ValueParser.endsWithLegalSuffix(text) else { return false }
        let words = text.split(whereSeparator: { $0.isWhitespace || $0 == "," }).dropLast()
        return words.contains { !["the", "a", "an"].contains($0.lowercased()) }
    }

    /// The length of time a text states, in days.
    static func days(_ text: String) -> Double? {
        guard let (amount, unit) = ValueParser.duration(text) else { return nil }
        let days = ["day": 1, "week": 7, "month": 30.4375, "year": 365.25]
        return days[unit].map { amount * $0 }
    }

    private static func plain(_ text: String) -> String {
        text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
