extension ValueParser {
    /// A length of time stated by the whole text: a number in digits or words, optionally
    /// repeated in brackets, and a unit — `3 years`, `three (3) years`, `thirty-six months`,
    /// `90 calendar days`, `one-year`. The unit comes back singular (`day`, `week`, `month`,
    /// `year`); nil when the text is anything else.
    public static func duration(_ text: String) -> (amount: Double, unit: String)? {
        var words = text.lowercased().split { $0.isWhitespace || $0 == "-" || $0 == "(" || $0 == ")" }.map(String.init)
        while let last = words.last, last.allSatisfy({ $0.isPunctuation }) { words.removeLast() }
        guard words.count >= 2, var unit = words.popLast() else { return nil }
        if unit.hasSuffix(".") || unit.hasSuffix(",") { unit.removeLast() }
        if unit.hasSuffix("s") { unit.removeLast() }
        guard ["day", "week", "month", "year"].contains(unit) else { return nil }
        if let last = words.last, ["calendar", "business", "working", "full"].contains(last) { words.removeLast() }
        // A number in brackets after its words (`three (3)`) settles it.
        if let last = words.last, let n = Double(last) {
            let before = Array(words.dropLast())
            return before.isEmpty || numberWords(before) != nil ? (n, unit) : nil
        }
        guard let n = numberWords(words) else { return nil }
        return (n, unit)
    }

    /// `thirty six`, `twenty-four`, `one`, `12` (the words already split on spaces and hyphens).
    private static func numberWords(_ words: [String]) -> Double? {
        guard !words.isEmpty, words.count <= 3 else { return nil }
        if words.count == 1, let n = Double(words[0]) { return n }
        let units = [
            "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
            "seventeen": 17, "eighteen": 18, "nineteen": 19, "a": 1, "an": 1,
        ]
        let tens = ["twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90]
        var total = 0
        for (i, w) in words.enumerated() {
            if let t = tens[w], i == 0 {
                total += t
            } else if let u = units[w], u < 10 || i == 0, i == words.count - 1 {
                total += u
            } else {
                return nil
            }
        }
        return total > 0 ? Double(total) : nil
    }
}
