extension ValueParser {
    /// The number `text` states (surrounding whitespace ignored), or nil if any of it is not part of
    /// a number. Accepts a sign (`-12`, `−12`, `+12`, accounting `(1,234)` and trailing `1234-`),
    /// a currency before or after (`$`, `€ 99,90`, `GBP 1,234.50`, `RM12`, `12 kr`; see `money`),
    /// a magnitude after (`12k`, `$3.5m`, `2.0bn`, `1.2 million`, `1,5 Mio.`, `3 lakh`; a one-letter
    /// `k`/`m` only when glued to the digits), or a percent sign (`12.5%` is 12.5, not 0.125).
    /// Other letters make it nil: `Invoice 12`, `12 apples`, `12kg`, `1e5`.
    ///
    /// Separators: spaces (plain, no-break, thin), `'` and `’` only group digits. When `.` and `,`
    /// both appear, the last one is the decimal separator (`1,234.50`, `1.234,50`). One kind alone
    /// appearing twice or more groups (`1.234.567`). One kind appearing once is decimal
    /// (`12,5` is 12.5, `1 234,567` is 1234.567), except that a lone separator followed by exactly
    /// three digits, after 1–3 digits not starting with 0, groups: `1.234` and `1,234` are 1234,
    /// `0.125` and `1234.567` are decimals. Groups must be of three digits after a first of 1–3
    /// (or Indian: `12,34,567`).
    public static func number(_ text: String) -> Double? { wholeAmount(text)?.value }

    /// `number(_:)` when it is a whole number that fits in an Int64 (`12.00` is 12; `12.5` is nil).
    public static func integer(_ text: String) -> Int64? { wholeAmount(text)?.integer }

    /// A money amount and its ISO 4217 currency, read as `number(_:)` reads it but without percentages.
    /// The currency is nil when none is written or the mark is shared by several currencies:
    /// `$` (use `US$`, `USD`, `A$`, `C$`, `HK$`…), `¥` (JPY or CNY), `Rs`, `kr`.
    /// `$12 USD` is USD; marks that disagree (`€12 USD`) are nil.
    public static func money(_ text: String) -> (amount: Double, currency: String?)? {
        guard let amount = wholeAmount(text), !amount.percent, let value = amount.value else { return nil }
        return (value, amount.currency)
    }

    /// Every amount `number(_:)` would read, found in longer text, left to right and not overlapping,
    /// with the currency `money(_:)` would give. Skipped: numbers inside `dateMentions`, times
    /// (`09:30`), and numbers glued to letters or joined to letters or digits by `-`, `/`, `_`, `.`
    /// (`INV-2024-0815`, `No.12`, `12kg`, `v1.2.3`) or following `#`. In running text parts are at
    /// most one space apart (no line break), and a plain space groups digits only in a number with
    /// a decimal comma or a currency (`1 234,56` and `12 000 €` are one number; `3 100.00` and
    /// `12 345` are two), while no-break and thin spaces always group. A percentage's value is its
    /// number (`20%` is 20).
    public static func numberMentions(in text: String) -> [(range: Range<String.Index>, value: Double, currency: String?)] {
        let chars = Array(text)
        var indices = Array(text.indices)
        indices.append(text.endIndex)
        var inDate = [Bool](repeating: false, count: chars.count)
        let dates = dateMentions(in: text).map(\.range)
        var d = 0
        for offset in chars.indices {
            while d < dates.count, dates[d].upperBound <= indices[offset] { d += 1 }
            if d < dates.count, dates[d].contains(indices[offset]) { inDate[offset] = true }
        }
        let scanner = AmountScanner(chars: chars, inRunningText: true)
        var found: [(range: Range<String.Index>, value: Double, currency: String?)] = []
        var i = 0
        while i < chars.count {
            if !inDate[i], scanner.canStart(at: i), let (end, amount) = scanner.parse(from: i),
                !inDate[i..<end].contains(true), scanner.canEnd(at: end), let value = amount.value
            {
                found.append((indices[i]..<indices[end], value, amount.currency))
                i = end
            } else {
                i += 1
            }
        }
        return found
    }

    /// The whole of `text` (whitespace trimmed) read as one amount.
    static func wholeAmount(_ text: String) -> Amount? {
        var core = Substring(text)
        while let c = core.first, c.isWhitespace { core = core.dropFirst() }
        while let c = core.last, c.isWhitespace { core = core.dropLast() }
        let chars = Array(core)
        guard let (end, amount) = AmountScanner(chars: chars, inRunningText: false).parse(from: 0),
            end == chars.count
        else { return nil }
        return amount
    }

    /// A parsed amount, kept as digits so that integers stay exact.
    struct Amount {
        var negative = false
        var integerDigits = ""
        var fractionDigits = ""
        /// Power of ten from a magnitude word (`m` is 6).
        var exponent = 0
        var hasCurrency = false
        /// ISO 4217 code, when the mark names one currency.
        var currency: String?
        var percent = false

        var value: Double? {
            let fraction = fractionDigits.isEmpty ? "" : "." + fractionDigits
            guard let v = Double("\(negative ? "-" : "")\(integerDigits)\(fraction)e\(exponent)"), v.isFinite else { return nil }
            return v
        }

        var integer: Int64? {
            if exponent == 0, fractionDigits.allSatisfy({ $0 == "0" }) { return Int64((negative ? "-" : "") + integerDigits) }
            guard let v = value, v == v.rounded(), abs(v) < 9.2e18 else { return nil }
            return Int64(v)
        }
    }
}
