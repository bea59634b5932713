extension ValueParser {
    /// Reads amounts (sign, currency, digits, magnitude, percent) from characters; the rules are
    /// documented on `ValueParser.number(_:)` and `numberMentions(in:)`.
    struct AmountScanner {
        let chars: [Character]
        /// Running text: parts at most one space apart, plain spaces group only in European-style
        /// amounts (see `parse`), no trailing minus.
        let inRunningText: Bool

        private enum Separator { case dot, comma, space, apostrophe }

        /// The amount starting at `start` and the offset after it. In running text a plain space
        /// groups digits only in a number with a decimal comma or a currency (`1 234,56`,
        /// `12 000 €`), the style that groups with spaces; `3 100.00` and `12 345` are two numbers.
        func parse(from start: Int) -> (end: Int, amount: Amount)? {
            if let spaced = read(from: start, plainSpaces: true),
                !inRunningText || !spaced.core.usesPlainSpace || spaced.core.decimalComma || spaced.amount.hasCurrency
            {
                return (spaced.end, spaced.amount)
            }
            return read(from: start, plainSpaces: false).map { ($0.end, $0.amount) }
        }

        private func read(from start: Int, plainSpaces: Bool) -> (end: Int, amount: Amount, core: Core)? {
            var p = start, amount = Amount()
            let parenthesised = at(p) == "("
            if parenthesised { p += 1 }
            if isMinus(at(p)) { amount.negative = true; p += 1 } else if at(p) == "+" { p += 1 }
            let prefix = currency(at: p)
            if let prefix {
                p = skipGap(p + prefix.length)
                if !amount.negative, isMinus(at(p)) { amount.negative = true; p += 1 }
            }
            guard let core = core(at: p, plainSpaces: plainSpaces) else { return nil }
            (amount.integerDigits, amount.fractionDigits, p) = (core.integer, core.fraction, core.end)
            if let magnitude = magnitude(at: skipGap(p), glued: skipGap(p) == p) {
                amount.exponent = magnitude.exponent
                p = magnitude.end
            }
            let suffix = currency(at: skipGap(p))
            if let suffix {
                p = skipGap(p) + suffix.length
                if let a = prefix?.code, let b = suffix.code, a != b { return nil }
            }
            amount.hasCurrency = prefix != nil || suffix != nil
            amount.currency = prefix?.code ?? suffix?.code
            if !amount.hasCurrency, amount.exponent == 0, at(skipGap(p)) == "%" {
                amount.percent = true
                p = skipGap(p) + 1
            }
            if parenthesised {
                guard at(skipGap(p)) == ")" else { return nil }
                amount.negative = true
                p = skipGap(p) + 1
            }
            if !inRunningText, !amount.negative, isMinus(at(p)), p + 1 == chars.count {
                amount.negative = true
                p += 1
            }
            return (p, amount, core)
        }

        /// Whether an amount may start at `i` in running text (not inside a word or identifier).
        func canStart(at i: Int) -> Bool {
            guard let previous = at(i - 1) else { return true }
            if isAlphanumeric(previous) || previous == "#" { return false }
            if "-_/\\.".contains(previous), isAlphanumeric(at(i - 2)) { return false }
            if ",:'’".contains(previous), let before = at(i - 2), isDigit(before) { return false }
            return true
        }

        /// Whether an amount may end at `end` in running text.
        func canEnd(at end: Int) -> Bool {
            guard let next = at(end) else { return true }
            if isAlphanumeric(next) { return false }
            if "-_/\\".contains(next), isAlphanumeric(at(end + 1)) { return false }
            if ".,:".contains(next), let after = at(end + 1), isDigit(after) { return false }
            return true
        }

        private func at(_ p: Int) -> Character? { chars.indices.contains(p) ? chars[p] : nil }
        private func isMinus(_ c: Character?) -> Bool { c == "-" || c == "−" }
        private func isAlphanumeric(_ c: Character?) -> Bool { c.map { $0.isLetter || $0.isNumber } ?? false }

        /// Past the whitespace at `p` (in running text, one space at most and no line break).
        private func skipGap(_ p: Int) -> Int {
            var q = p
            while let c = at(q), c.isWhitespace, !(inRunningText && (c.isNewline || q > p)) { q += 1 }
            return q
        }

        /// The digits of an amount, without separators.
        private struct Core {
            let integer: String, fraction: String, end: Int
            let usesPlainSpace: Bool, decimalComma: Bool
        }

        /// Digits with group and decimal separators, interpreted by the rules on `number(_:)`.
        private func core(at p: Int, plainSpaces: Bool) -> Core? {
            guard let first = at(p), isDigit(first) else { return nil }
            var q = p
            func digits() -> String {
                var run = ""
                while let c = at(q), isDigit(c) { run.append(c); q += 1 }
                return run
            }
            var groups = [digits()], separators: [Separator] = [], usesPlainSpace = false
            while let separator = separator(at(q), plainSpaces: plainSpaces), let next = at(q + 1), isDigit(next) {
                separators.append(separator)
                usesPlainSpace = usesPlainSpace || at(q) == " "
                q += 1
                groups.append(digits())
            }
            var decimal: Int?
            let marks = separators.indices.filter { separators[$0] == .dot || separators[$0] == .comma }
            if let last = marks.last {
                let same = marks.filter { separators[$0] == separators[last] }.count
                let mixed = same < marks.count
                if mixed || (same == 1 && last == separators.count - 1) {
                    guard same == 1, last == separators.count - 1 else { return nil }
                    let lone = separators.count == 1
                    let looksGrouped = groups[1].count == 3 && groups[0].count <= 3 && groups[0].first != "0"
                    if !(lone && looksGrouped) { decimal = last }
                }
            }
            let integerGroups = decimal.map { Array(groups[...$0]) } ?? groups
            let grouping = separators.indices.filter { $0 != decimal }.map { separators[$0] }
            if let kind = grouping.first {
                guard grouping.allSatisfy({ $0 == kind }), Self.isGrouped(integerGroups) else { return nil }
            }
            return Core(
                integer: integerGroups.joined(), fraction: decimal.map { groups[$0 + 1] } ?? "", end: q,
                usesPlainSpace: usesPlainSpace, decimalComma: decimal.map { separators[$0] == .comma } ?? false)
        }

        private func separator(_ c: Character?, plainSpaces: Bool) -> Separator? {
            switch c {
            case ".": .dot
            case ",": .comma
            case "'", "’": .apostrophe
            case "\u{00A0}", "\u{2007}", "\u{2009}", "\u{202F}": .space
            case " " where plainSpaces: .space
            default: nil
            }
        }

        /// Thousands groups after a first group of 1–3 digits, or Indian grouping (`12,34,567`).
        private static func isGrouped(_ groups: [String]) -> Bool {
            guard let first = groups.first, (1...3).contains(first.count), first.first != "0" else { return false }
            let rest = groups.dropFirst()
            if rest.allSatisfy({ $0.count == 3 }) { return true }
            return first.count <= 2 && rest.last?.count == 3 && rest.dropLast().allSatisfy { $0.count == 2 }
        }

        /// A magnitude word at `p` (a one-letter one only when `glued` to the digits).
        private func magnitude(at p: Int, glued: Bool) -> (exponent: Int, end: Int)? {
            var q = p, word = ""
            while let c = at(q), c.isLetter { word.append(c); q += 1 }
            let lower = word.lowercased()
            guard let exponent = Self.magnitudes[lower], glued || word.count > 1 else { return nil }
            if lower == "mio" || lower == "mrd", at(q) == "." { q += 1 }
            return (exponent, q)
        }

        /// The currency mark at `p`: longest first, a lettered mark not glued to other letters.
        private func currency(at p: Int) -> (code: String?, length: Int)? {
            for (mark, code) in Self.currencies {
                let n = mark.count
                guard p + n <= chars.count, chars[p..<p + n].elementsEqual(mark) else { continue }
                if let last = mark.last, last.isLetter, let next = at(p + n), next.isLetter { continue }
                if let first = mark.first, first.isLetter, let previous = at(p - 1), previous.isLetter { continue }
                return (code, n)
            }
            return nil
        }

        static let magnitudes: [String: Int] = [
            "k": 3, "thousand": 3, "m": 6, "mn": 6, "mio": 6, "million": 6, "millions": 6,
            "bn": 9, "mrd": 9, "billion": 9, "billions": 9, "tn": 12, "trillion": 12,
            "lakh": 5, "lakhs": 5, "crore": 7, "crores": 7,
        ]

        /// Currency marks, longest first, with their ISO 4217 code when unambiguous.
        static let currencies: [(mark: [Character], code: String?)] = {
            let codes = """
                USD EUR GBP JPY CNY CHF CAD AUD NZD SGD HKD TWD KRW INR PKR LKR BDT IDR MYR THB VND PHP \
                SEK NOK DKK ISK PLN CZK HUF RON BGN RUB UAH TRY ILS AED SAR QAR KWD BHD OMR EGP ZAR NGN \
                KES BRL MXN ARS CLP COP PEN
                """.split(separator: " ").map { (String($0), Optional(String($0))) }
            let marks: [(String, String?)] = [
                ("$", nil), ("US$", "USD"), ("A$", "AUD"), ("AU$", "AUD"), ("C$", "CAD"), ("CA$", "CAD"),
                ("NZ$", "NZD"), ("S$", "SGD"), ("SG$", "SGD"), ("HK$", "HKD"), ("NT$", "TWD"), ("R$", "BRL"),
                ("MX$", "MXN"), ("€", "EUR"), ("£", "GBP"), ("¥", nil), ("JP¥", "JPY"), ("CN¥", "CNY"),
                ("RMB", "CNY"), ("₹", "INR"), ("Rs.", nil), ("Rs", nil), ("RM", "MYR"), ("₩", "KRW"),
                ("₽", "RUB"), ("₺", "TRY"), ("฿", "THB"), ("₫", "VND"), ("₱", "PHP"), ("₦", "NGN"),
                ("₪", "ILS"), ("₴", "UAH"), ("zł", "PLN"), ("Kč", "CZK"), ("kr.", nil), ("kr", nil), ("Rp", "IDR"),
            ]
            return (marks + codes).map { (Array($0.0), $0.1) }.sorted { $0.mark.count > $1.mark.count }
        }()
    }
}
