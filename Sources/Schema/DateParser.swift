import Foundation

extension ValueParser {
    /// The date `text` states, or nil if it is not exactly one valid date. Surrounding whitespace
    /// and punctuation are ignored; month names are matched in any case.
    ///
    /// - Numeric: `2024-03-14`, `2024/03/14`, `2024.3.14` (year first); `14.03.2024`, `03/14/2024`,
    ///   `25-12-2018`, `25/12/18`. When the first two numbers are both 12 or less, `order` decides,
    ///   except that dotted dates are day first. A dotted date with a two-digit year needs a
    ///   two-digit day and month (`03.04.12`; `3.4.12` is nil, it reads as a clause number).
    /// - Named months (English, German, French and Spanish; full or abbreviated, `Mar.`):
    ///   `14 March 2024`, `14th March, 2024`, `14-Mar-2024`, `14MAR2024`, `14. März 2024`,
    ///   `1er mars 2024`, `14 de marzo de 2024`, `March 14th, 2024`, `Mar. 14, 2024`,
    ///   and contract style `the 22nd day of May, 2001`, `14th of March 2024`.
    ///   An English weekday may lead: `Thursday, 14 March 2024`.
    /// - Two-digit years (`25/12/18`, `14-Mar-24`; not with spaces, `14 Mar 24` is nil) pivot:
    ///   00–69 → 2000s, 70–99 → 1900s.
    /// - Impossible dates (`31/02/2024`) and dates without a year or day are nil.
    public static func date(_ text: String, order: DateOrder = .monthFirst) -> LocalDate? {
        var core = Substring(text)
        while let c = core.first, !c.isLetter, !isDigit(c) { core = core.dropFirst() }
        while let c = core.last, !c.isLetter, !isDigit(c) { core = core.dropLast() }
        let scanner = DateScanner(core, order: order)
        return scanner.matches(at: 0).first { $0.end == scanner.tokens.count }?.date
    }

    /// Day-first when the unambiguous numeric dates among `texts` say so (`25/12/2018`), month-first
    /// when they say that (`12/25/2018`), else `fallback`. Texts that are not `n/n/n` (or with `-`,
    /// `.`) are ignored.
    public static func dateOrder(of texts: some Sequence<String>, fallback: DateOrder = .monthFirst) -> DateOrder {
        dateVotes(of: texts).order ?? fallback
    }

    /// `dateOrder(of:)` over the whitespace-separated words of a text, trimmed of punctuation.
    public static func dateOrder(ofText text: String, fallback: DateOrder = .monthFirst) -> DateOrder {
        dateVotes(ofText: text).order ?? fallback
    }

    /// How many of the numeric dates among `texts` can only be read day first, and how many only month first.
    public static func dateVotes(of texts: some Sequence<String>) -> DateVotes {
        var votes = DateVotes()
        for text in texts {
            let parts = text.split { $0 == "/" || $0 == "-" || $0 == "." }.compactMap { Int($0) }
            guard parts.count == 3, parts[0] <= 31, parts[1] <= 31 else { continue }
            if parts[0] > 12 { votes.dayFirst += 1 } else if parts[1] > 12 { votes.monthFirst += 1 }
        }
        return votes
    }

    /// `dateVotes(of:)` over the whitespace-separated words of a text, trimmed of punctuation.
    public static func dateVotes(ofText text: String) -> DateVotes {
        dateVotes(
            of: text.split(whereSeparator: \.isWhitespace).lazy.map {
                String($0.trimmingCharacters(in: CharacterSet(charactersIn: ",;:()[]")))
            })
    }

    /// Every date `date(_:order:)` would read, found in longer text: left to right, longest first,
    /// not overlapping. A match glued to letters or digits, or joined to them by `-`, `/`, `.` or
    /// `_`, is part of an identifier (`INV-2024-03-14`) and skipped, except a date joined to
    /// another date (`01.03.2024-31.03.2024`), the end of a day range (`3 March 2024` in
    /// `1-3 March 2024`) and the date of an ISO date-time (`2024-03-14T09:30`).
    public static func dateMentions(in text: String, order: DateOrder = .monthFirst)
        -> [(range: Range<String.Index>, date: LocalDate)]
    {
        let scanner = DateScanner(text[...], order: order)
        var found: [(range: Range<String.Index>, date: LocalDate)] = []
        var i = 0
        while i < scanner.tokens.count {
            let previousEnd = found.last?.range.upperBound
            let match = scanner.matches(at: i).sorted { $0.end > $1.end }.first {
                scanner.isDelimited(i..<$0.end, previousEnd: previousEnd)
            }
            if let match {
                found.append((scanner.tokens[i].range.lowerBound..<scanner.tokens[match.end - 1].range.upperBound, match.date))
                i = match.end
            } else {
                i += 1
            }
        }
        return found
    }

    /// 00–69 → 2000s, 70–99 → 1900s.
    static func expandTwoDigitYear(_ year: Int) -> Int { year < 70 ? 2000 + year : 1900 + year }

    /// Text cut into runs of digits, letters, whitespace, and single other characters, with the
    /// date patterns matched over them.
    struct DateScanner {
        enum Kind { case number, word, space, punct }

        struct Token {
            let kind: Kind
            let range: Range<String.Index>
            /// Lowercased for words.
            let text: String
            /// A number's value (-1 past 9 digits).
            let value: Int
        }

        let tokens: [Token]
        let order: DateOrder

        init(_ text: Substring, order: DateOrder) {
            var tokens: [Token] = []
            var i = text.startIndex
            while i < text.endIndex {
                let c = text[i]
                let kind: Kind = isDigit(c) ? .number : c.isLetter ? .word : c.isWhitespace ? .space : .punct
                var j = text.index(after: i)
                func same(_ d: Character) -> Bool {
                    switch kind {
                    case .number: isDigit(d)
                    case .word: d.isLetter
                    case .space: d.isWhitespace
                    case .punct: false
                    }
                }
                while j < text.endIndex, same(text[j]) { j = text.index(after: j) }
                let piece = text[i..<j]
                tokens.append(
                    Token(
                        kind: kind, range: i..<j, text: kind == .word ? piece.lowercased() : String(piece),
                        value: kind == .number && piece.count <= 9 ? Int(piece) ?? -1 : -1))
                i = j
            }
            self.tokens = tokens
            self.order = order
        }

        /// Each date starting at token `start`: the token after it and the date.
        func matches(at start: Int) -> [(end: Int, date: LocalDate)] {
            var found = patterns(at: start)
            if let day = word(start), Self.weekdays.contains(day) {
                var p = start + 1
                if punct(p) == "." { p += 1 }
                if punct(p) == "," { p += 1 }
                if kind(p) == .space { found += patterns(at: p + 1) }
            }
            return found
        }

        /// Whether tokens `span` stand apart from their neighbours (see `dateMentions`).
        func isDelimited(_ span: Range<Int>, previousEnd: String.Index?) -> Bool {
            let connectors: Set<Character> = ["-", "/", ".", "_", "\\"]
            func isAlphanumeric(_ p: Int) -> Bool { kind(p) == .word || kind(p) == .number }
            let before = span.lowerBound - 1, after = span.upperBound
            if isAlphanumeric(before) { return false }
            if let c = punct(before), connectors.contains(c), isAlphanumeric(before - 1),
                previousEnd != tokens[before].range.lowerBound, !isDayRange(endingAt: before)
            {
                return false
            }
            if kind(after) == .number { return false }
            if let w = word(after), !(w == "t" && kind(after + 1) == .number) { return false }
            if let c = punct(after), connectors.contains(c), isAlphanumeric(after + 1),
                matches(at: after + 1).isEmpty
            {
                return false
            }
            return true
        }

        /// Whether the hyphen at `hyphen` follows a lone day number, as in `1-3 March 2024`.
        private func isDayRange(endingAt hyphen: Int) -> Bool {
            guard punct(hyphen) == "-", kind(hyphen - 1) == .number, tokens[hyphen - 1].text.count <= 2 else { return false }
            return kind(hyphen - 2) == nil || kind(hyphen - 2) == .space
        }

        private func patterns(at p: Int) -> [(end: Int, date: LocalDate)] {
            [numeric(p), dayMonthYear(p), monthDayYear(p)].compactMap { $0 }
        }

        /// `2024-03-14`, `14.03.2024`, `03/14/2024`, `25/12/18`.
        private func numeric(_ p: Int) -> (end: Int, date: LocalDate)? {
            guard kind(p) == .number, let sep = punct(p + 1), "-/.".contains(sep), kind(p + 2) == .number,
                punct(p + 3) == sep, kind(p + 4) == .number
            else { return nil }
            let a = tokens[p], b = tokens[p + 2], c = tokens[p + 4]
            let (la, lb, lc) = (a.text.count, b.text.count, c.text.count)
            if la == 4, (1...2).contains(lb), (1...2).contains(lc) {
                return LocalDate(year: a.value, month: b.value, day: c.value).map { (p + 5, $0) }
            }
            guard (1...2).contains(la), (1...2).contains(lb), lc == 2 || lc == 4 else { return nil }
            // `3.4.12` is a clause number far more often than a date.
            if sep == ".", lc == 2, la < 2 || lb < 2 { return nil }
            let year = lc == 2 ? expandTwoDigitYear(c.value) : c.value
            let dayFirst = a.value > 12 || (b.value <= 12 && (sep == "." || order == .dayFirst))
            let date =
                dayFirst
                ? LocalDate(year: year, month: b.value, day: a.value)
                : LocalDate(year: year, month: a.value, day: b.value)
            return date.map { (p + 5, $0) }
        }

        /// `14 March 2024`, `14th March, 2024`, `14-Mar-24`, `the 22nd day of May, 2001`, `14 de marzo de 2024`.
        private func dayMonthYear(_ start: Int) -> (end: Int, date: LocalDate)? {
            var p = start
            var wordy = false
            if word(p) == "the", kind(p + 1) == .space { p += 2; wordy = true }
            guard let (day, afterDay) = day(p) else { return nil }
            let first = gap(afterDay, [".", "-", "/"])
            p = first.next
            if word(p) == "day", kind(p + 1) == .space, word(p + 2) == "of", kind(p + 3) == .space {
                p += 4; wordy = true
            } else if let w = word(p), w == "of" || w == "de", kind(p + 1) == .space {
                p += 2; wordy = true
            }
            guard let name = word(p), let month = Self.months[name] else { return nil }
            p += 1
            if punct(p) == "." { p += 1 }
            let second = gap(p, [",", "-", "/", "."])
            p = second.next
            if let w = word(p), w == "de" || w == "del", kind(p + 1) == .space { p += 2; wordy = true }
            guard let (year, end) = year(p, allowTwoDigits: !wordy && first.tight && second.tight) else { return nil }
            return LocalDate(year: year, month: month, day: day).map { (end, $0) }
        }

        /// `March 14th, 2024`, `Mar. 14, 2024`, `Mar-14-2024`.
        private func monthDayYear(_ start: Int) -> (end: Int, date: LocalDate)? {
            guard let name = word(start), let month = Self.months[name] else { return nil }
            var p = start + 1
            if punct(p) == "." { p += 1 }
            let first = gap(p, ["-", "/"])
            guard let (day, afterDay) = day(first.next) else { return nil }
            let second = gap(afterDay, [",", "-", "/"])
            guard let (year, end) = year(second.next, allowTwoDigits: first.tight && second.tight) else { return nil }
            return LocalDate(year: year, month: month, day: day).map { (end, $0) }
        }

        private func kind(_ p: Int) -> Kind? { tokens.indices.contains(p) ? tokens[p].kind : nil }
        private func word(_ p: Int) -> String? { kind(p) == .word ? tokens[p].text : nil }
        private func punct(_ p: Int) -> Character? { kind(p) == .punct ? tokens[p].text.first : nil }

        /// A day of 1 or 2 digits with an optional ordinal suffix (`14th`, `1er`, `1º`).
        private func day(_ p: Int) -> (Int, Int)? {
            guard kind(p) == .number, tokens[p].text.count <= 2, (1...31).contains(tokens[p].value) else { return nil }
            if let w = word(p + 1), Self.ordinals.contains(w) { return (tokens[p].value, p + 2) }
            return (tokens[p].value, p + 1)
        }

        private func year(_ p: Int, allowTwoDigits: Bool) -> (Int, Int)? {
            guard kind(p) == .number else { return nil }
            switch tokens[p].text.count {
            case 4: return (tokens[p].value, p + 1)
            case 2 where allowTwoDigits: return (expandTwoDigitYear(tokens[p].value), p + 1)
            default: return nil
            }
        }

        /// Optional whitespace, at most one of `allowed`, optional whitespace; `tight` if no whitespace.
        private func gap(_ p: Int, _ allowed: Set<Character>) -> (next: Int, tight: Bool) {
            var q = p, tight = true
            if kind(q) == .space { q += 1; tight = false }
            if let c = punct(q), allowed.contains(c) {
                q += 1
                if kind(q) == .space { q += 1; tight = false }
            }
            return (q, tight)
        }

        static let months: [String: Int] = {
            let names: [[String]] = [
                ["january", "jan", "januar", "jänner", "jän", "janvier", "janv", "enero", "ene"],
                ["february", "feb", "februar", "février", "fevrier", "févr", "fevr", "febrero"],
                ["march", "mar", "märz", "maerz", "mär", "mrz", "mars", "marzo"],
                ["april", "apr", "avril", "avr", "abril", "abr"],
                ["may", "mai", "mayo"],
                ["june", "jun", "juni", "juin", "junio"],
                ["july", "jul", "juli", "juillet", "juil", "julio"],
                ["august", "aug", "août", "aout", "agosto", "ago"],
                ["september", "sep", "sept", "septembre", "septiembre", "setiembre"],
                ["october", "oct", "oktober", "okt", "octobre", "octubre"],
                ["november", "nov", "novembre", "noviembre"],
                ["december", "dec", "dezember", "dez", "décembre", "decembre", "déc", "diciembre", "dic"],
            ]
            var table: [String: Int] = [:]
            for (index, spellings) in names.enumerated() { for name in spellings { table[name] = index + 1 } }
            return table
        }()

        static let ordinals: Set<String> = ["st", "nd", "rd", "th", "er", "º", "ª"]
        static let weekdays: Set<String> = [
            "monday", "mon", "tuesday", "tue", "tues", "wednesday", "wed", "thursday", "thu", "thur", "thurs",
            "friday", "fri", "saturday", "sat", "sunday", "sun",
        ]
    }
}
