import Documents
import Schema

/// Finds where a value an extractor produced is written in the document, for its evidence: text
/// by matching it (whitespace runs match any whitespace, then ignoring ASCII case), numbers and
/// dates by reading every number or date mention and comparing values. Pages listed in `preferred`
/// (what the extractor read) are searched first.
struct EvidenceLocator {
    let document: Document
    let preferredPages: [Int]
    let dates: DateOrder

    /// A place on a page: page number and code-point range.
    struct Place { let page: Page; let range: Range<Int> }

    init(document: Document, preferredPages: [Int], dates: DateOrder) {
        self.document = document
        self.preferredPages = preferredPages
        self.dates = dates
    }

    private var pagesInOrder: [Page] {
        let preferred = preferredPages.compactMap { n in document.pages.first { $0.number == n } }
        return preferred + document.pages.filter { !preferredPages.contains($0.number) }
    }

    /// Where `value` (with the raw text the model wrote, when it wrote a string) occurs.
    func place(of value: Value, raw: String?, type: ScalarType) -> Place? {
        if let raw, let found = place(ofText: raw) { return found }
        switch value {
        case .number(let x): return place { page in Self.numbers(in: page.text).first { Self.same($0.value, x) }?.range }
        case .integer(let n): return place { page in Self.numbers(in: page.text).first { Self.same($0.value, Double(n)) }?.range }
        case .date(let date):
            return place { page in
                let text = page.text
                return ValueParser.dateMentions(in: text, order: dates).first { $0.date == date }.map { Self.offsets($0.range, in: text) }
            }
        case .string(let s): return raw == s ? nil : place(ofText: s)
        default: return nil
        }
    }

    /// The first occurrence of `text`, exact up to whitespace, else up to ASCII case.
    func place(ofText text: String) -> Place? {
        let words = text.split(whereSeparator: \.isWhitespace).map { Array(String($0).unicodeScalars) }
        guard !words.isEmpty else { return nil }
        for ignoringCase in [false, true] {
            if let found = place({ page in Self.match(words, in: Array(page.text.unicodeScalars), ignoringCase: ignoringCase) }) {
                return found
            }
        }
        return nil
    }

    private func place(_ search: (Page) -> Range<Int>?) -> Place? {
        for page in pagesInOrder { if let range = search(page) { return Place(page: page, range: range) } }
        return nil
    }

    /// Evidence for a field path at a place.
    static func evidence(_ field: String, valueIndex: Int, at place: Place) -> Evidence {
        let scalars = Array(place.page.text.unicodeScalars)
        var quote = String.UnicodeScalarView()
        quote.append(contentsOf: scalars[place.range])
        return Evidence(
            field: field, valueIndex: valueIndex,
            location: Location(page: place.page.number, start: place.range.lowerBound, end: place.range.upperBound), quote: String(quote),
            box: place.page.box(covering: place.range))
    }

    /// Words matched in order, separated in the page by at least one whitespace scalar.
    static func match(_ words: [[Unicode.Scalar]], in page: [Unicode.Scalar], ignoringCase: Bool) -> Range<Int>? {
        func equal(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Bool {
            if a == b { return true }
            guard ignoringCase, a.isASCII, b.isASCII else { return false }
            return (a.value | 0x20) == (b.value | 0x20) && (a.properties.isAlphabetic)
        }
        let first = words[0]
        var start = 0
        while start + first.count <= page.count {
            var i = start, ok = true
            for (w, word) in words.enumerated() {
                if w > 0 {
                    guard i < page.count, page[i].isSpace else { ok = false; break }
                    while i < page.count, page[i].isSpace { i += 1 }
                }
                guard i + word.count <= page.count else { ok = false; break }
                for (k, scalar) in word.enumerated() where !equal(page[i + k], scalar) { ok = false; break }
                if !ok { break }
                i += word.count
            }
            if ok { return start..<i }
            start += 1
        }
        return nil
    }

    static func numbers(in text: String) -> [(range: Range<Int>, value: Double)] {
        ValueParser.numberMentions(in: text).map { (offsets($0.range, in: text), $0.value) }
    }

    static func same(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-6 * max(1, abs(a)) }

    static func offsets(_ range: Range<String.Index>, in text: String) -> Range<Int> {
        let scalars = text.unicodeScalars
        let start = scalars.distance(from: scalars.startIndex, to: range.lowerBound)
        return start..<(start + scalars.distance(from: range.lowerBound, to: range.upperBound))
    }
}
