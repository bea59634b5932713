import Documents
import Foundation
import Schema

/// Finds the rows of an array-of-objects field (line items) in a document: on each page the
/// visual row that reads most like a header of the sub-fields, the column band of each sub-field
/// under its header cell, and every row below it cut into cells by those bands. Each row becomes
/// an option the policy includes or leaves out, scored by `RowFeatures`.
struct TableRowFinder {
    let field: Field
    let subFields: [Field]
    let pages: [PageGeometry]
    let dates: DateOrder

    /// A row found under a header: its value (an object of the sub-fields), the cell spans, and
    /// the texts its features compare.
    struct Row {
        var value: [String: Value]
        var cells: [String: SpanCandidate]
        var first: SpanCandidate
        var headerSimilarity: Double
        var rowText: String
        var leadText: String
        var numbers: [Double]
        var distance: Double
        var numericShare: Double
        var index = 0
        var inBlock = false
    }

    /// The texts to embed before `rows` can be scored: sub-field queries and header cell texts.
    func headerTexts() -> [String] {
        subFields.map(SpanFeatures.query)
            + pages.flatMap { page in
                visualRows(page).filter { $0.segments.count >= 2 }.flatMap { row in row.segments.map { page.segments[$0].text } }
            }
    }

    /// The rows, given a text similarity.
    func rows(similarity: (String, String) -> Double) -> [Row] {
        let queries = subFields.map(SpanFeatures.query)
        var rows: [Row] = []
        for page in pages {
            let visual = visualRows(page)
            // The header: the row whose cells best match distinct sub-fields (two at least).
            var best: (index: Int, score: Double, columns: [(field: Int, segment: Int, similarity: Double)])?
            for (r, row) in visual.enumerated() where row.segments.count >= 2 && row.segments.count <= 12 {
                guard !row.segments.contains(where: { page.segments[$0].text.contains(where: \.isNumber) }) else { continue }
                var pairs: [(field: Int, segment: Int, similarity: Double)] = []
                for (f, q) in queries.enumerated() {
                    for s in row.segments { pairs.append((f, s, similarity(q, page.segments[s].text))) }
                }
                var usedFields = Set<Int>(), usedSegments = Set<Int>()
                var columns: [(field: Int, segment: Int, similarity: Double)] = []
                for p in pairs.sorted(by: { $0.similarity > $1.similarity }) where p.similarity >= 0.2 {
                    if usedFields.contains(p.field) || usedSegments.contains(p.segment) { continue }
                    usedFields.insert(p.field); usedSegments.insert(p.segment)
                    columns.append(p)
                }
                let score = columns.reduce(0) { $0 + $1.similarity }
                if columns.count >= 2, score > (best?.score ?? 0) { best = (r, score, columns) }
            }
            guard let header = best else { continue }
            let headerSimilarity = header.score / Double(header.columns.count)
            // Column bands: each header cell (mapped to a sub-field or not) widened halfway to its neighbours.
            let mapped = Dictionary(uniqueKeysWithValues: header.columns.map { ($0.segment, $0.field) })
            let cells = visual[header.index].segments.sorted { page.segments[$0].box.x0 < page.segments[$1].box.x0 }
            var bands: [(field: Int, x0: Float, x1: Float)] = []
            for (i, c) in cells.enumerated() {
                guard let field = mapped[c] else { continue }
                let box = page.segments[c].box
                let left = i == 0 ? -Float.infinity : (page.segments[cells[i - 1]].box.x1 + box.x0) / 2
                let right = i == cells.count - 1 ? Float.infinity : (box.x1 + page.segments[cells[i + 1]].box.x0) / 2
                bands.append((field, left, right))
            }
            let below = Array(visual[(header.index + 1)...])
            var found: [Row] = []
            var lastDataRow = -1, gap = 0
            for (k, row) in below.enumerated() {
                guard var r = cut(row, page: page, bands: bands) else { gap += 1; continue }
                r.headerSimilarity = headerSimilarity
                r.distance = Double(k) / Double(max(below.count, 1))
                r.index = k
                // The table is the run of rows with most numeric cells filled, allowing two
                // other rows (wrapped text) between them.
                if r.numericShare >= 0.5, lastDataRow < 0 || gap <= 2 { lastDataRow = k; gap = 0 } else { gap += 1 }
                found.append(r)
            }
            for var r in found { r.inBlock = r.index <= lastDataRow; rows.append(r) }
        }
        return rows
    }

    /// A visual row: the words drawn on one line, left to right, and the segments that start there.
    struct VisualRow { var words: [Int]; var segments: [Int] }

    func visualRows(_ page: PageGeometry) -> [VisualRow] {
        let order = page.words.indices.sorted {
            let a = page.words[$0].box, b = page.words[$1].box
            return (a.y0 + a.y1) / 2 < (b.y0 + b.y1) / 2
        }
        var rows: [VisualRow] = []
        var centre: Float = -.infinity, height: Float = 0
        var rowOf = [Int](repeating: 0, count: page.words.count)
        for w in order {
            let box = page.words[w].box
            let c = (box.y0 + box.y1) / 2
            if rows.isEmpty || c - centre > 0.5 * max(height, box.y1 - box.y0) {
                rows.append(VisualRow(words: [], segments: []))
                centre = c; height = box.y1 - box.y0
            }
            rows[rows.count - 1].words.append(w)
            rowOf[w] = rows.count - 1
        }
        for r in rows.indices { rows[r].words.sort { page.words[$0].box.x0 < page.words[$1].box.x0 } }
        for (s, segment) in page.segments.enumerated() { rows[rowOf[segment.words.lowerBound]].segments.append(s) }
        return rows
    }

    /// Cuts a row into cells by the column bands; nil when no cell has a value.
    private func cut(_ row: VisualRow, page: PageGeometry, bands: [(field: Int, x0: Float, x1: Float)]) -> Row? {
        var value: [String: Value] = Dictionary(uniqueKeysWithValues: subFields.map { ($0.name, Value.null) })
        var cells: [String: SpanCandidate] = [:]
        for band in bands {
            let sub = subFields[band.field]
            guard let type = sub.scalarType else { continue }
            // The words whose centre falls in the band, as one contiguous run of the text.
            let inBand = row.words.filter {
                let b = page.words[$0].box
                let x = (b.x0 + b.x1) / 2
                return x >= band.x0 && x < band.x1
            }.sorted()
            guard let firstWord = inBand.first else { continue }
            var lastWord = firstWord
            for w in inBand.dropFirst() where w == lastWord + 1 { lastWord = w }
            var (start, end) = CandidateFinder.trimmed(page.words[firstWord].start, page.words[lastWord].end, page.scalars)
            var text = page.text(start, end)
            var parsed = Normalizer.value(text, as: type, dates: dates)
            if parsed == nil, type.base != .string, lastWord != firstWord {
                // A number cell that caught a neighbour's word: try its last word alone.
                (start, end) = CandidateFinder.trimmed(page.words[lastWord].start, page.words[lastWord].end, page.scalars)
                text = page.text(start, end)
                parsed = Normalizer.value(text, as: type, dates: dates)
            }
            guard start < end, let parsed, Validator.accepts(parsed, type) else { continue }
            value[sub.name] = parsed
            cells[sub.name] = span(page, start, end, text)
        }
        guard let first = cells.values.min(by: { $0.start < $1.start }) else { return nil }
        let words = row.words.map { page.text(page.words[$0].start, page.words[$0].end) }
        let lead = row.segments.first.map { page.segments[$0].text } ?? ""
        let numbers = words.compactMap { ValueParser.number($0) }
        let numeric = subFields.filter { $0.scalarType.map { $0.base == .number || $0.base == .integer } ?? false }
        let numericShare = numeric.isEmpty ? 1 : Double(numeric.count { !(value[$0.name] ?? .null).isNull }) / Double(numeric.count)
        return Row(
            value: value, cells: cells, first: first, headerSimilarity: 0,
            rowText: words.prefix(24).joined(separator: " "), leadText: CandidateFinder.firstWords(lead, 8),
            numbers: numbers, distance: 0, numericShare: numericShare)
    }

    private func span(_ page: PageGeometry, _ start: Int, _ end: Int, _ text: String) -> SpanCandidate {
        let segment = page.segments.first { $0.start <= start && $0.end >= start } ?? page.segments[0]
        let box = page.box(start, end, within: segment)
        return SpanCandidate(
            kinds: .cell, page: page.pageIndex, start: start, end: end, text: text, keyLeft: "", keyAbove: "",
            line: "", previous: "", box: page.hasRealBoxes ? box : nil, documentPosition: 0, pageTop: 0,
            wordCount: 0, inProse: false, labelLike: false, formattedAmount: false, percent: false,
            commonWords: false, besideNumber: false, relativeHeight: 0)
    }
}

/// The features a table row is scored by: how well its header matches the sub-fields, how many
/// cells it fills, whether its numbers multiply out (quantity × price = amount), and whether its
/// first cell reads like another field's label (a `Subtotal` row is not a line item).
enum RowFeatures {
    static let names = [
        "bias", "header_similarity", "filled_share", "numeric_share", "row_similarity", "lead_like_other_field",
        "product_consistent", "has_text", "distance_from_header", "in_table_block",
    ]
    static var count: Int { names.count }

    static func prior() -> SpanParameters.FieldWeights {
        .init(weights: [-5, 3, 3, 2, 1, -6, 2, 1, -0.5, 3], nullScore: 0)
    }

    static func features(
        _ row: TableRowFinder.Row, subFields: [Field], query: String, others: [String],
        similarity: (String, String) -> Double
    ) -> [Double] {
        let filled = subFields.filter { !(row.value[$0.name] ?? .null).isNull }
        let otherField = others.map { similarity($0, row.leadText) }.max() ?? 0
        let ownField = similarity(query, row.leadText)
        let hasText = subFields.contains { sub in
            if case .string(let s)? = row.value[sub.name] { s.contains(where: \.isLetter) } else { false }
        }
        return [
            1, row.headerSimilarity, Double(filled.count) / Double(max(subFields.count, 1)),
            row.numericShare,
            similarity(query, row.rowText), max(0, otherField - ownField),
            productConsistent(row.numbers) ? 1 : 0, hasText ? 1 : 0, row.distance, row.inBlock ? 1 : 0,
        ]
    }

    /// Whether two of the numbers multiply to a third (to the cent).
    static func productConsistent(_ numbers: [Double]) -> Bool {
        let n = numbers.filter { $0 > 0 }
        guard n.count >= 3 else { return false }
        for i in n.indices {
            for j in n.indices where j != i {
                for k in n.indices where k != i && k != j {
                    if abs(n[i] * n[j] - n[k]) <= 0.011 { return true }
                }
            }
        }
        return false
    }
}
