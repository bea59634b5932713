import Documents
import Foundation
import Schema

/// A span of a document that may hold a field's value, with the text around it that tells what
/// it is: the label to its left, the header or label above, its line, and the line before.
struct SpanCandidate: Sendable {
    /// How the span was found; one span can be found several ways.
    struct Kinds: OptionSet, Sendable, Hashable {
        let rawValue: Int
        /// A whole segment: a label, a value, a table cell, a short line.
        static let cell = Kinds(rawValue: 1 << 0)
        /// The text after a `:` or `#` in a segment (`Invoice No: 123`).
        static let keyValue = Kinds(rawValue: 1 << 1)
        /// Two to four stacked short segments (a name and address).
        static let block = Kinds(rawValue: 1 << 2)
        /// A run of capitalised words (a name, a company, a place).
        static let entity = Kinds(rawValue: 1 << 3)
        static let date = Kinds(rawValue: 1 << 4)
        static let amount = Kinds(rawValue: 1 << 5)
        /// A token with digits and letters or separators (`HOS-24-0317`).
        static let identifier = Kinds(rawValue: 1 << 6)
        /// An email address, URL or phone number.
        static let contact = Kinds(rawValue: 1 << 7)
        /// A length of time (`three (3) years`, `30 days`).
        static let duration = Kinds(rawValue: 1 << 8)
        /// A token matching a field's pattern or enum.
        static let token = Kinds(rawValue: 1 << 9)
    }

    var kinds: Kinds
    let page: Int
    let start: Int
    let end: Int
    let text: String
    let keyLeft: String
    let keyAbove: String
    let line: String
    let previous: String
    /// The box on the page; nil for text documents.
    let box: Box?
    /// Position in the document (0 = first line, 1 = last) and on its page (0 = top).
    let documentPosition: Double
    let pageTop: Double
    let wordCount: Int
    /// Whether the span sits in a long line of running text.
    let inProse: Bool
    /// Whether the span is a label of something else: it ends with `:` or has a value to its right.
    let labelLike: Bool
    /// An amount written as money: with a currency or decimal places (`GBP 59.41`, `12.50`).
    let formattedAmount: Bool
    let percent: Bool
    /// Every word is one the document also writes in lower case (`Agreement`, `Company`): a
    /// defined term or a heading rather than a name.
    let commonWords: Bool
    /// An amount with another number right before or after it (`7712` in `GB 104 7712 93`):
    /// likely a piece of an identifier.
    let besideNumber: Bool
    /// Text height relative to the page's median word height, minus one (0 for text files).
    let relativeHeight: Double
}

/// Finds every candidate span of a document: segments, key–value pairs, stacked blocks, entity-like
/// runs, dates, amounts, identifiers, contacts and durations.
struct CandidateFinder {
    let pages: [PageGeometry]
    private let totalSegments: Int
    private let segmentOffset: [Int]

    /// Per page: the segments that label another (a segment to their right on the same row).
    private let labels: [Set<Int>]
    /// Per page: the median word height.
    private let wordHeight: [Float]
    /// Words the document writes in lower case somewhere.
    private let lowercaseWords: Set<String>

    init(document: Document) {
        pages = document.pages.enumerated().map { PageGeometry(page: $1, index: $0) }
        var offsets: [Int] = []
        var total = 0
        for p in pages { offsets.append(total); total += p.segments.count }
        segmentOffset = offsets
        totalSegments = max(total, 1)
        labels = pages.map { page in
            var set = Set<Int>()
            for (i, segment) in page.segments.enumerated() {
                if segment.text.hasSuffix(":") { set.insert(i) }
                if let left = page.leftNeighbourIndex(of: segment.box, excluding: i) { set.insert(left) }
            }
            return set
        }
        var lower = Set<String>()
        for page in pages {
            for w in page.words {
                let word = page.text(w.start, w.end).trimmingCharacters(in: .punctuationCharacters)
                if let first = word.unicodeScalars.first, first.properties.isLowercase { lower.insert(word) }
            }
        }
        lowercaseWords = lower
        wordHeight = pages.map { page in
            let heights = page.words.map { $0.box.y1 - $0.box.y0 }.sorted()
            return heights.isEmpty ? 1 : max(heights[heights.count / 2], 0.1)
        }
    }

    /// All candidates, one per distinct span (kinds merged), in document order.
    func candidates() -> [SpanCandidate] {
        var out: [SpanCandidate] = []
        var index: [SpanKey: Int] = [:]
        for page in pages {
            for (s, segment) in page.segments.enumerated() {
                for (start, end, kinds) in spans(in: segment, of: page) + blocks(from: s, of: page) {
                    let key = SpanKey(page: page.pageIndex, start: start, end: end)
                    if let i = index[key] { out[i].kinds.formUnion(kinds); continue }
                    index[key] = out.count
                    out.append(candidate(page, s, start, end, kinds))
                }
            }
        }
        return out
    }

    /// Candidates for tokens that satisfy `accepts` (a field's pattern or enum), for fields whose
    /// values are single tokens the generic finders may miss (`USD`).
    func tokens(where accepts: (String) -> Bool) -> [SpanCandidate] {
        var out: [SpanCandidate] = []
        for page in pages {
            for (s, segment) in page.segments.enumerated() {
                for w in segment.words {
                    let (start, end) = Self.trimmed(page.words[w].start, page.words[w].end, page.scalars)
                    if start < end, accepts(page.text(start, end)) { out.append(candidate(page, s, start, end, .token)) }
                }
            }
        }
        return out
    }

    private struct SpanKey: Hashable { let page: Int, start: Int, end: Int }

    private func candidate(_ page: PageGeometry, _ s: Int, _ start: Int, _ end: Int, _ kinds: SpanCandidate.Kinds) -> SpanCandidate {
        let segment = page.segments[s]
        let box = page.box(start, end, within: segment)
        let lineWords = segment.text.split(whereSeparator: \.isWhitespace).count
        // In running text the sentence is the label: the line's embedding serves for every span in it.
        var keyLeft =
            lineWords > 12
            ? Self.firstWords(segment.text, Self.contextWords)
            : Self.lastWords(Self.stripSeparators(page.text(segment.start, min(start, segment.end))), 8)
        if keyLeft.isEmpty, let left = page.leftNeighbour(of: box, excluding: s) {
            keyLeft = Self.lastWords(Self.stripSeparators(left.text), 8)
        }
        // Whole segments (cut to `contextWords`) are used as context, so each is embedded once.
        let above = page.segmentAbove(box).map { Self.firstWords($0.text, Self.contextWords) } ?? ""
        let previous = s > 0 ? Self.firstWords(page.segments[s - 1].text, Self.contextWords) : ""
        let height = max(page.extent.y1 - page.extent.y0, 1)
        let text = page.text(start, end)
        let wholeSegment = start == segment.start && end == segment.end
        let followedByColon = end < page.scalars.count && page.scalars[end] == ":"
        let hasDecimals = text.range(of: #"[.,]\d{1,2}$"#, options: .regularExpression) != nil
        let money =
            kinds.contains(.amount)
            && (hasDecimals || text.unicodeScalars.contains { $0.properties.generalCategory == .currencySymbol }
                || text.range(of: #"[A-Z]{3}"#, options: .regularExpression) != nil)
        return SpanCandidate(
            kinds: kinds, page: page.pageIndex, start: start, end: end, text: text,
            keyLeft: keyLeft, keyAbove: above, line: Self.firstWords(segment.text, Self.contextWords), previous: previous,
            box: page.hasRealBoxes ? box : nil,
            documentPosition: Double(segmentOffset[page.pageIndex] + s) / Double(totalSegments),
            pageTop: Double((box.y0 - page.extent.y0) / height),
            wordCount: text.split(whereSeparator: \.isWhitespace).count,
            inProse: lineWords > 12,
            labelLike: followedByColon
                || (wholeSegment && labels[page.pageIndex].contains(s)
                    && !text.contains(where: \.isNumber) && text.split(whereSeparator: \.isWhitespace).count <= 5),
            formattedAmount: money, percent: text.hasSuffix("%"),
            commonWords: isCommon(text),
            besideNumber: kinds.contains(.amount) && Self.besideNumber(start, end, page.scalars),
            relativeHeight: page.hasRealBoxes ? Double(min(max((box.y1 - box.y0) / wordHeight[page.pageIndex] - 1, -1), 3)) : 0)
    }

    /// Whether every word of `text` with letters appears in lower case elsewhere in the document.
    private func isCommon(_ text: String) -> Bool {
        let words = text.split { $0.isWhitespace || $0 == "," }
            .map { $0.trimmingCharacters(in: .punctuationCharacters).lowercased() }
            .filter { $0.count >= 2 && $0.contains(where: \.isLetter) && !Self.connectors.contains($0) }
        return words.allSatisfy(lowercaseWords.contains)
    }

    // MARK: spans inside one segment

    private func spans(in segment: PageGeometry.Segment, of page: PageGeometry) -> [(Int, Int, SpanCandidate.Kinds)] {
        var out: [(Int, Int, SpanCandidate.Kinds)] = []
        let words = segment.words.count
        if words <= 15 { out.append((segment.start, segment.end, .cell)) }
        let text = segment.text
        let scalars = Array(text.unicodeScalars)
        func offset(_ i: String.Index) -> Int { segment.start + text.unicodeScalars.distance(from: text.startIndex, to: i) }
        func add(_ range: Range<String.Index>, _ kind: SpanCandidate.Kinds) {
            let (s, e) = Self.trimmed(offset(range.lowerBound), offset(range.upperBound), page.scalars)
            if s < e { out.append((s, e, kind)) }
        }
        // Key–value: the rest of the segment after the first `:` or `#` that ends a short label.
        if let sep = scalars.firstIndex(where: { $0 == ":" || $0 == "#" }), sep + 1 < scalars.count,
            !(sep > 0 && sep + 1 < scalars.count && Self.isDigit(scalars[sep - 1]) && Self.isDigit(scalars[sep + 1]))
        {
            let label = String(String.UnicodeScalarView(scalars[..<sep]))
            if label.split(whereSeparator: \.isWhitespace).count <= 6 {
                let (s, e) = Self.trimmed(segment.start + sep + 1, segment.end, page.scalars)
                if s < e, page.text(s, e).split(whereSeparator: \.isWhitespace).count <= 15 { out.append((s, e, .keyValue)) }
            }
        }
        for mention in ValueParser.dateMentions(in: text) { add(mention.range, .date) }
        for mention in ValueParser.numberMentions(in: text) { add(mention.range, .amount) }
        for (k, pattern) in Self.contactPatterns.enumerated() {
            for m in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let r = Range(m.range, in: text), k != 2 || Self.isPhoneNumber(text[r]) else { continue }
                add(r, .contact)
            }
        }
        for m in Self.durationPattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            if let r = Range(m.range, in: text) { add(r, .duration) }
        }
        for w in segment.words {
            let (s, e) = Self.trimmed(page.words[w].start, page.words[w].end, page.scalars)
            if s < e, Self.isIdentifier(page.text(s, e)) { out.append((s, e, .identifier)) }
        }
        out += entities(in: segment, of: page)
        return out
    }

    /// Runs of capitalised words, allowing lower-case connectors inside (`Bank of America`) and a
    /// comma before a legal suffix (`Acme, Inc.`); also the part after a connector (`New York` in
    /// `State of New York`).
    private func entities(in segment: PageGeometry.Segment, of page: PageGeometry) -> [(Int, Int, SpanCandidate.Kinds)] {
        var out: [(Int, Int, SpanCandidate.Kinds)] = []
        var run: [(start: Int, end: Int, connector: Bool)] = []
        var runStartsSentence = false
        var sentenceStart = true
        func flush() {
            while let last = run.last, last.connector { run.removeLast() }
            // A lone capitalised word opening a sentence is just a sentence ("Goods remain…"),
            // unless it is written in capitals.
            if run.count == 1, runStartsSentence {
                let word = page.text(run[0].start, run[0].end)
                if word.count < 2 || word.contains(where: \.isLowercase) { run = [] }
            }
            if !run.isEmpty, run.count <= 10 {
                out.append((run[0].start, run[run.count - 1].end, .entity))
                for (i, w) in run.enumerated() where w.connector && i + 1 < run.count && !run[i + 1].connector {
                    out.append((run[i + 1].start, run[run.count - 1].end, .entity))
                }
            }
            run = []
        }
        for w in segment.words {
            let raw = page.words[w]
            let startsSentence = sentenceStart
            if let last = page.scalars[raw.start..<raw.end].last { sentenceStart = ".!?:;".unicodeScalars.contains(last) }
            let (s, e) = Self.trimmed(raw.start, raw.end, page.scalars)
            guard s < e else { flush(); continue }
            let core = page.text(s, e)
            let lower = core.lowercased()
            let opensGroup = raw.start < s && "(\"“‘'[".unicodeScalars.contains(page.scalars[raw.start])
            if opensGroup { flush() }
            let capitalised = core.unicodeScalars.first.map { $0.properties.isUppercase } ?? false
            let connector = Self.connectors.contains(lower)
            let suffix = Self.legalSuffixes.contains(lower.replacingOccurrences(of: ".", with: ""))
            if capitalised || suffix {
                if run.isEmpty { runStartsSentence = startsSentence }
                run.append((s, Self.keepsPeriod(core, lower) ? e : Self.withoutFinalPeriod(s, e, page.scalars), false))
            } else if connector, !run.isEmpty {
                run.append((s, e, true))
            } else {
                flush(); continue
            }
            let trailing = e < raw.end ? page.scalars[e] : nil
            if let trailing, trailing != "," { flush() }
            if trailing == ",", w + 1 < segment.words.upperBound {
                let next = page.words[w + 1]
                let nextText = page.text(next.start, next.end).lowercased().trimmingCharacters(in: .punctuationCharacters)
                if !Self.legalSuffixes.contains(nextText.replacingOccurrences(of: ".", with: "")) { flush() }
            }
        }
        flush()
        return out
    }

    /// Stacks of 2–4 short segments, left-aligned and one under the other (names and addresses).
    private func blocks(from s: Int, of page: PageGeometry) -> [(Int, Int, SpanCandidate.Kinds)] {
        var out: [(Int, Int, SpanCandidate.Kinds)] = []
        var last = page.segments[s]
        func texty(_ segment: PageGeometry.Segment) -> Bool {
            segment.words.count <= 8 && segment.text.contains { $0.isLetter } && ValueParser.date(segment.text) == nil
                && ValueParser.number(segment.text) == nil && !segment.text.hasSuffix(":")
        }
        guard texty(last), !labels[page.pageIndex].contains(s) else { return [] }
        var j = s + 1
        while j < page.segments.count, j - s < 4 {
            let next = page.segments[j]
            let height = max(last.height, next.height)
            guard texty(next), !labels[page.pageIndex].contains(j), next.box.y0 > last.box.y0 + 0.5 * height,
                next.box.y0 - last.box.y1 < 1.2 * height,
                abs(next.box.x0 - last.box.x0) < 1.5 * height
            else { break }
            out.append((page.segments[s].start, next.end, .block))
            last = next
            j += 1
        }
        return out
    }

    // MARK: token helpers

    /// How many words of a segment serve as context.
    static let contextWords = 24

    static let connectors: Set<String> = ["of", "and", "&", "the", "de", "du", "des", "la", "le", "von", "van", "der", "for"]
    static var legalSuffixes: Set<String> { ValueParser.legalSuffixes }

    /// Whether a word keeps its final period as part of the name (`Inc.`, `Co.`, `L.P.`).
    private static func keepsPeriod(_ core: String, _ lower: String) -> Bool {
        !core.hasSuffix(".") || legalSuffixes.contains(lower.replacingOccurrences(of: ".", with: ""))
            || core.dropLast().contains(".") || core.count <= 3
    }

    private static func withoutFinalPeriod(_ s: Int, _ e: Int, _ scalars: [Unicode.Scalar]) -> Int {
        e - 1 > s && scalars[e - 1] == "." ? e - 1 : e
    }

    /// A range with surrounding whitespace and punctuation removed (a final period of an
    /// abbreviation and closing brackets that match an opening one inside are kept).
    static func trimmed(_ start: Int, _ end: Int, _ scalars: [Unicode.Scalar]) -> (Int, Int) {
        var s = start, e = end
        let strip: Set<Unicode.Scalar> = [
            " ", "\t", "\n", "\r", ",", ";", ":", "\"", "'", "“", "”", "‘", "’", "(", ")", "[", "]", "*", "|", "•", "·", "!", "?",
        ]
        while s < e, strip.contains(scalars[s]) || scalars[s].isSpace { s += 1 }
        while e > s, strip.contains(scalars[e - 1]) || scalars[e - 1].isSpace {
            if scalars[e - 1] == ")", scalars[s..<e].contains("(") { break }
            e -= 1
        }
        if e > s, scalars[e - 1] == ".", e - s > 1, !scalars[s..<e - 1].contains(".") {
            // A lone sentence-final period goes; `Inc.` and `L.P.` are decided by the entity finder.
            let word = String(String.UnicodeScalarView(scalars[s..<e])).lowercased()
            if !legalSuffixes.contains(String(word.dropLast())) { e -= 1 }
        }
        return (s, e)
    }

    private static func stripSeparators(_ text: String) -> String {
        text.trimmingCharacters(in: CharacterSet(charactersIn: " \t\n:#-–—.|*").union(.whitespacesAndNewlines))
    }

    static func lastWords(_ text: String, _ n: Int) -> String {
        let words = text.split(whereSeparator: \.isWhitespace)
        return words.suffix(n).joined(separator: " ")
    }

    static func firstWords(_ text: String, _ n: Int) -> String {
        text.split(whereSeparator: \.isWhitespace).prefix(n).joined(separator: " ")
    }

    /// Whether a digit follows or precedes the range across a single space.
    static func besideNumber(_ start: Int, _ end: Int, _ scalars: [Unicode.Scalar]) -> Bool {
        let after = end + 1 < scalars.count && scalars[end] == " " && isDigit(scalars[end + 1])
        let before = start >= 2 && scalars[start - 1] == " " && isDigit(scalars[start - 2])
        return after || before
    }

    private static func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 48 && s.value <= 57 }

    /// A token that names something: digits with letters or separators (`HOS-24-0317`, `A19`,
    /// `0418-2207`), or four or more digits; not a date or a plain amount.
    static func isIdentifier(_ token: String) -> Bool {
        let scalars = token.unicodeScalars
        let digits = scalars.count(where: isDigit)
        guard token.count >= 3, digits > 0 else { return false }
        let letters = scalars.count { $0.properties.isAlphabetic }
        let separators = scalars.count { "-/_#".unicodeScalars.contains($0) }
        guard letters > 0 || separators > 0 || (digits >= 4 && digits == scalars.count) else { return false }
        if ValueParser.date(token) != nil { return false }
        if letters == 0, separators == 0 { return true }
        return ValueParser.number(token) == nil
    }

    /// Seven to fifteen digits in groups, not amounts (`21.95 87.80`, `12345.50`).
    static func isPhoneNumber(_ text: Substring) -> Bool {
        let digits = text.unicodeScalars.count(where: isDigit)
        guard (7...15).contains(digits) else { return false }
        guard text.contains(".") else { return true }
        let groups = text.split { !$0.isNumber }
        return !text.contains(" ") && !text.contains("-") && groups.count > 2
    }

    nonisolated(unsafe) static let contactPatterns: [NSRegularExpression] = [
        #"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"#,
        #"(?:https?://|www\.)[^\s<>"]+[^\s<>".,;:)]"#,
        #"(?<![\w.,])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,5}\)[ .-]?)?\d{2,5}(?:[ .-]\d{2,5}){1,4}(?![\w.,]\d)"#,
    ].map { try! NSRegularExpression(pattern: $0) }

    nonisolated(unsafe) static let durationPattern = try! NSRegularExpression(
        pattern:
            #"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|eighteen|twenty(?:[- ](?:one|four))?|thirty(?:[- ]six)?|forty(?:[- ]five)?|sixty|ninety)(?:\s*\(\d+\))?[\s-]+(?:calendar\s+|business\s+|full\s+)?(?:day|week|month|year)s?\b"#,
        options: [.caseInsensitive])
}
