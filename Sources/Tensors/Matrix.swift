/// A dense row-major matrix of `Float`s. Rows are the batch (tokens, texts), columns the features.
public struct Matrix: Sendable, Equatable {
    public let rows: Int
    public let cols: Int
    /// `rows * cols` values, row after row.
    public var values: [Float]

    public init(rows: Int, cols: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && cols >= 0, "a matrix cannot have negative dimensions")
        self.rows = rows; self.cols = cols
        values = [Float](repeating: value, count: rows * cols)
    }

    public init(rows: Int, cols: Int, values: [Float]) {
        precondition(values.count == rows * cols, "\(values.count) values do not fill \(rows)×\(cols)")
        self.rows = rows; self.cols = cols; self.values = values
    }

    public subscript(row: Int, col: Int) -> Float {
        get { values[row * cols + col] }
        set { values[row * cols + col] = newValue }
    }

    /// One row as an array.
    public func row(_ index: Int) -> [Float] { Array(values[index * cols..<(index + 1) * cols]) }

    /// The matrix with rows and columns swapped.
    public var transposed: Matrix {
        var out = Matrix(rows: cols, cols: rows)
        for r in 0..<rows { for c in 0..<cols { out.values[c * rows + r] = values[r * cols + c] } }
        return out
    }

    /// Rows `range` of this matrix.
    public func rows(_ range: Range<Int>) -> Matrix {
        Matrix(rows: range.count, cols: cols, values: Array(values[range.lowerBound * cols..<range.upperBound * cols]))
    }

    /// The rows of several matrices with the same number of columns, one after another.
    public static func stacking(_ parts: [Matrix]) -> Matrix {
        guard let first = parts.first else { return Matrix(rows: 0, cols: 0) }
        precondition(parts.allSatisfy { $0.cols == first.cols }, "stacked matrices need the same number of columns")
        return Matrix(rows: parts.reduce(0) { $0 + $1.rows }, cols: first.cols, values: parts.flatMap(\.values))
    }
}
