import Foundation

/// What kind of answer a question asks for, read from its wording, and whether a passage holds
/// one: a quantity for "how many", "how much", "what percentage"; a time for "when", "what
/// year"; a name for "who", "where". A passage counts only with such a thing beyond the words of
/// the question itself: a sentence that repeats "Peyton Manning's passing yards" without a
/// number does not say how many there were.
public enum AnswerType: String, Sendable, Equatable {
    case quantity, time, name, any

    public init(question: String) {
        let q = " " + question.lowercased().split { !$0.isLetter && !$0.isNumber }.joined(separator: " ") + " "
        func has(_ phrases: [String]) -> Bool { phrases.contains { q.contains(" \($0) ") } }
        if has([
            "how many", "how much", "what percentage", "what percent", "what number", "how long", "how old", "how far",
            "how large", "how big", "how tall", "what amount", "what proportion", "what share", "what ratio",
        ]) {
            self = .quantity
        } else if has([
            "when", "what year", "which year", "what date", "which date", "what month", "which month", "what day",
            "what time", "in what year", "what decade", "what century",
        ]) {
            self = .time
        } else if has([
            "who", "whom", "whose", "where", "which state", "what state", "which country", "what country",
            "which city", "what city", "which jurisdiction", "what jurisdiction", "which company", "what company",
            "which team", "what team", "which party", "which person", "which organization", "which organisation",
        ]) {
            self = .name
        } else {
            self = .any
        }
    }

    /// Whether `text` holds an answer of this type that is not one of the question's own words.
    public func isPresent(in text: String, besides asked: Set<String>) -> Bool {
        let tokens = text.split { !$0.isLetter && !$0.isNumber }.map(String.init)
        let new = tokens.filter { !asked.contains($0.lowercased()) }
        switch self {
        case .any: return true
        case .quantity: return new.contains { $0.contains(where: \.isNumber) || Self.numberWords.contains($0.lowercased()) }
        case .time:
            return new.contains { t in
                let l = t.lowercased()
                return Self.months.contains(l) || Self.timeWords.contains(l) || (t.count == 4 && Int(t).map { (1000...2999).contains($0) } ?? false)
                    || (t.contains(where: \.isNumber)
                        && (l.hasSuffix("s") || l.hasSuffix("th") || l.hasSuffix("st") || l.hasSuffix("nd") || l.hasSuffix("rd")))
                    || (Int(t).map { (1...31).contains($0) } ?? false)
            }
        case .name:
            // A capitalised word that does not start a sentence (or an all-caps word of 2+ letters).
            for (i, t) in tokens.enumerated() where !asked.contains(t.lowercased()) {
                guard let first = t.first, first.isUppercase else { continue }
                if i > 0 || (t.count > 1 && t.allSatisfy(\.isUppercase)) { return true }
            }
            return false
        }
    }

    static let numberWords: Set<String> = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
        "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty",
        "seventy", "eighty", "ninety", "hundred", "thousand", "million", "billion", "trillion", "dozen", "half", "once", "twice",
        "single", "double", "none", "no",
    ]
    static let months: Set<String> = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    ]
    static let timeWords: Set<String> = [
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "yesterday", "tomorrow",
        "morning", "evening", "night", "noon", "midnight", "season", "century", "decade", "year", "years", "annually", "daily",
        "weekly", "monthly", "quarter", "spring", "summer", "autumn", "fall", "winter", "later", "earlier", "before", "after",
        "during", "until", "since", "ago", "am", "pm",
    ]
}
