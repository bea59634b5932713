extension ValueParser {
    /// The legal-form suffixes of company names (`inc`, `llc`, `ltd`, `gmbh`, …), lower case and
    /// without periods: the list the span candidate finder joins names with.
    public static let legalSuffixes: Set<String> = [
        "inc", "llc", "lc", "ltd", "limited", "corp", "corporation", "co", "company", "gmbh", "ag", "sa", "nv", "bv",
        "plc", "lp", "llp", "pty", "pte", "bhd", "sdn", "srl", "spa", "kg", "oy", "pllc",
    ]

    /// Whether a name ends with a legal suffix: `Acme Trading Ltd.`, `Kestrel GmbH`, `Widgets, Inc.`.
    public static func endsWithLegalSuffix(_ text: String) -> Bool {
        guard let last = text.split(whereSeparator: { $0.isWhitespace || $0 == "," }).last else { return false }
        return legalSuffixes.contains(last.lowercased().replacingOccurrences(of: ".", with: ""))
    }
}
