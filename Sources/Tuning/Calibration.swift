import Schema

/// How well cells' confidences match how often they are right, on documents with gold rows: a
/// reliability table (cells binned by confidence, each bin's mean confidence beside the share of
/// its cells that are right) and the expected calibration error, the bins' gaps weighted by their
/// share of the cells. A cell marked 0.9 should be right about 9 times in 10; an error of 0.05
/// means confidences are off by five points on average.
public struct Calibration: Sendable, Codable, Equatable {
    /// The cells whose confidence lies in `lower..<upper` (the last bin includes 1).
    public struct Bin: Sendable, Codable, Equatable {
        public let lower: Double
        public let upper: Double
        public let cells: Int
        public let meanConfidence: Double
        public let accuracy: Double
    }

    /// Cells with a confidence, and how many were right.
    public let cells: Int
    public let right: Int
    /// The bins that hold cells, lowest first.
    public let bins: [Bin]
    public let expectedCalibrationError: Double
    /// Every cell, when the calibration was built from documents' values (`Evaluator.calibration`):
    /// what a calibration map is fitted from. Nil once dropped (`withoutValues`).
    public var values: [Cell]?

    /// One extracted value with its confidence and whether gold agrees.
    public struct Cell: Sendable, Codable, Equatable {
        public let document: String
        public let field: String
        public let value: String
        public let confidence: Double
        public let right: Bool
    }

    /// The same table without its cells (for reports).
    public var withoutValues: Calibration {
        var copy = self
        copy.values = nil
        return copy
    }

    /// The reliability table of `cells` over `binCount` equal-width bins of confidence (a
    /// confidence that is not a number is left out).
    public init(_ cells: [(confidence: Double, right: Bool)], binCount: Int = 10) {
        let n = max(1, binCount)
        var grouped = [[(confidence: Double, right: Bool)]](repeating: [], count: n)
        let cells = cells.filter { $0.confidence.isFinite }
        for cell in cells { grouped[min(n - 1, max(0, Int(cell.confidence * Double(n))))].append(cell) }
        bins = grouped.enumerated().compactMap { b, members in
            guard !members.isEmpty else { return nil }
            let count = Double(members.count)
            return Bin(
                lower: Double(b) / Double(n), upper: Double(b + 1) / Double(n), cells: members.count,
                meanConfidence: members.map(\.confidence).reduce(0, +) / count,
                accuracy: Double(members.filter(\.right).count) / count)
        }
        self.cells = cells.count
        right = cells.filter(\.right).count
        expectedCalibrationError =
            cells.isEmpty ? 0 : bins.reduce(0) { $0 + Double($1.cells) / Double(cells.count) * abs($1.accuracy - $1.meanConfidence) }
    }
}

extension Evaluator {
    /// The calibration of extracted values' confidences against gold rows: every value of a
    /// scalar or list field (a list's items one by one) whose confidence is known is a cell, right
    /// when it equals one of its document's gold values of the field (`ValueMatch`, as scoring
    /// counts them). `confidences` maps a document key to each field's confidences by value index.
    /// Documents without a gold row are left out.
    public static func calibration(
        schema: Schema, predicted: [String: [String: Value]], confidences: [String: [String: [Int: Double]]], gold: [GoldRow]
    ) -> Calibration {
        let index = DocumentIndex(predicted.keys)
        var cells: [Calibration.Cell] = []
        for row in gold {
            guard let key = index.match(row.document), let extracted = predicted[key] else { continue }
            for field in schema.fields where field.scalarType != nil {
                let truth = values(.object(row.fields), [field.name])
                for (k, value) in FieldProfile.items(extracted[field.name] ?? .null).enumerated() {
                    guard let confidence = confidences[key]?[field.name]?[k] else { continue }
                    let right = truth.contains { ValueMatch.pairs([value], [$0]) == 1 }
                    cells.append(.init(document: key, field: field.name, value: value.description, confidence: confidence, right: right))
                }
            }
        }
        var calibration = Calibration(cells.map { ($0.confidence, $0.right) })
        calibration.values = cells
        return calibration
    }
}
