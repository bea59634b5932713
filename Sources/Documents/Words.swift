/// Light word matching (tuning guidelines, the assistant's questions): lower-case words, a few
/// English suffixes stripped, and stems that agree when equal or when the shorter (of at least
/// five letters) begins the longer, so that `parties` finds `party`, `employment` finds
/// `employed`, and `confidentiality` finds `confidential`.
public enum Words {
    public static let stopwords: Set<String> = [
        "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "from", "with", "and", "or", "not", "no", "is", "are",
        "be", "been", "it", "its", "their", "this", "that", "these", "those", "as", "than", "which", "who", "each", "every",
        "all", "any", "must", "should", "shall", "always", "never",
    ]

    /// The lower-case words of a text (letters and digits).
    public static func split(_ text: String) -> [String] {
        text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
    }

    public static func stem(_ word: String) -> String {
        let w = word.lowercased()
        if w.hasSuffix("ies"), w.count > 4 { return String(w.dropLast(3)) + "y" }
        for suffix in ["ments", "ment", "ings", "ing", "ity", "ed", "s"] where w.hasSuffix(suffix) && w.count - suffix.count >= 3 {
            if suffix == "s", w.hasSuffix("ss") || w.hasSuffix("us") { return w }
            return String(w.dropLast(suffix.count))
        }
        return w
    }

    /// The stems of a text's words, in order.
    public static func stems(_ text: String) -> [String] { split(text).map(stem) }

    /// The stems of a text's words that are not stop words.
    public static func content(_ text: String) -> [String] { split(text).filter { !stopwords.contains($0) }.map(stem) }

    public static func agree(_ a: String, _ b: String) -> Bool {
        a == b || (min(a.count, b.count) >= 5 && (a.hasPrefix(b) || b.hasPrefix(a)))
    }

    /// The last position in `stems` of a stem that agrees with one of `wanted`; nil when none does.
    public static func lastMention(of wanted: [String], in stems: [String]) -> Int? {
        stems.indices.last { i in wanted.contains { agree($0, stems[i]) } }
    }
}
