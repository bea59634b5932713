import Documents
import Extraction
import Foundation
import Schema

/// The text around a value's evidence, which says what the value is: the label before it on its
/// line (at most `reach` characters, from the last column break on — a run of three or more
/// spaces or a tab, as PDF layout text has between columns) and the nearest non-empty line above
/// (its last `reach` characters). The value itself is left out. Whitespace is collapsed.
struct EvidenceContext: Sendable, Hashable {
    let label: String
    let above: String

    static let reach = 120

    /// What says what the value is: the label when it has letters, else the line above.
    var lead: String { label.contains(where: \.isLetter) ? label : above }

    /// Both parts in reading order.
    var text: String { [above, label].filter { !$0.isEmpty }.joined(separator: "\n") }
    var isEmpty: Bool { label.isEmpty && above.isEmpty }

    init(label: String, above: String) {
        self.label = label
        self.above = above
    }

    /// The context of `evidence` in its page's text; nil when the offsets are not in the page.
    init?(of evidence: Evidence, in text: [Unicode.Scalar]) {
        guard evidence.location.start >= 0, evidence.location.start <= evidence.location.end, evidence.location.end <= text.count else { return nil }
        var lineStart = evidence.location.start
        while lineStart > 0, text[lineStart - 1] != "\n" { lineStart -= 1 }
        let from = max(lineStart, evidence.location.start - Self.reach)
        var before = Self.string(text[from..<evidence.location.start])
        if from > lineStart { before = Self.withoutFirstWord(before) }
        label = Self.lastColumn(before)
        var above = ""
        var lineEnd = lineStart - 1  // the line break that ends the line above; -1 when there is none
        while lineEnd >= 0 {
            var start = lineEnd
            while start > 0, text[start - 1] != "\n" { start -= 1 }
            let line = Self.collapsed(Self.string(text[start..<lineEnd]))
            if !line.isEmpty {
                above = line.count > Self.reach ? Self.collapsed(Self.withoutFirstWord(String(line.suffix(Self.reach)))) : line
                break
            }
            lineEnd = start - 1
        }
        self.above = above
    }

    /// The contexts of a candidate's values, computed on demand with each cited page's text
    /// converted once.
    struct Finder {
        let context: RewardContext
        private var pages: [Int: [Unicode.Scalar]] = [:]

        init(_ context: RewardContext) { self.context = context }

        /// The context of value `index` of `field`; nil when the value has no evidence or the
        /// evidence does not point into its page.
        mutating func context(of field: String, index: Int) -> EvidenceContext? {
            guard let evidence = context.candidate.evidence.first(where: { $0.field == field && $0.valueIndex == index }) else { return nil }
            if pages[evidence.location.page] == nil {
                guard let page = context.document.pages.first(where: { $0.number == evidence.location.page }) else { return nil }
                pages[evidence.location.page] = Array(page.text.unicodeScalars)
            }
            return pages[evidence.location.page].flatMap { EvidenceContext(of: evidence, in: $0) }
        }
    }

    private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        String(String.UnicodeScalarView(scalars))
    }

    private static func collapsed(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    private static func withoutFirstWord(_ text: String) -> String {
        guard let space = text.firstIndex(where: \.isWhitespace) else { return "" }
        return String(text[space...])
    }

    /// The last non-empty column of a line's text.
    private static func lastColumn(_ text: String) -> String {
        let columns = text.replacingOccurrences(of: "\t", with: "   ").components(separatedBy: "   ")
        return columns.lazy.map(collapsed).last { !$0.isEmpty } ?? ""
    }
}
