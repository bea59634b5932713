/// A rows × columns matrix stored in a GGML format, viewing memory it does not own (usually a GGUF
/// memory map). Row r occupies bytes [r*rowBytes, (r+1)*rowBytes) from `base`; columns is a multiple of type.blockSize.
///
/// Products follow ggml's CPU backend: the vector is first converted to the weight type's
/// `vec_dot_type` (Q8_0, Q8_1, Q8_K, F16 or BF16, by ggml's reference quantisers), then each row's
/// dot product is taken block by block in integers and scaled, so results match llama.cpp's up to
/// the order of float additions.
public struct QuantizedMatrix: @unchecked Sendable {
    public let type: GGMLType
    public let rows: Int
    public let columns: Int
    public let base: UnsafeRawPointer

    /// Bytes per row.
    public var rowBytes: Int { columns / type.blockSize * type.bytesPerBlock }

    /// A view of `rows` rows of `columns` values of `type` at `base` (which must stay valid while
    /// the matrix is used). `columns` must be a multiple of `type.blockSize`.
    public init(type: GGMLType, rows: Int, columns: Int, base: UnsafeRawPointer) {
        precondition(rows >= 0 && columns >= 0, "a matrix cannot have negative dimensions")
        precondition(columns % type.blockSize == 0, "\(columns) columns are not whole \(type) blocks of \(type.blockSize)")
        self.type = type; self.rows = rows; self.columns = columns; self.base = base
    }

    /// The bytes of row `row`.
    @inline(__always)
    func row(_ row: Int) -> UnsafeRawPointer { base + row * rowBytes }

    /// Row `row` as floats, exactly as ggml dequantises it.
    public func dequantizeRow(_ row: Int, into output: UnsafeMutablePointer<Float>) {
        precondition(row >= 0 && row < rows, "row \(row) is outside 0..<\(rows)")
        GGMLDequantize.row(type, self.row(row), blocks: columns / type.blockSize, into: output)
    }

    /// Rows `rows` as a row-major float block (output has rows.count*columns floats); may use the pool.
    public func dequantize(rows range: Range<Int>, into output: UnsafeMutablePointer<Float>, pool: ComputePool = .shared) {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "rows \(range) are outside 0..<\(rows)")
        let blocks = columns / type.blockSize, columns = columns
        let work = range.count * columns
        let body = { (chunk: Range<Int>) in
            for r in chunk {
                GGMLDequantize.row(type, row(range.lowerBound + r), blocks: blocks, into: output + r * columns)
            }
        }
        // Below ~64k values the threads cost more than they save.
        if work < 65_536 { body(0..<range.count) } else { pool.parallelFor(range.count, body) }
    }

    /// y = W·x for one vector x of `columns` floats (y has `rows` floats), spread over the pool's threads.
    public func multiply(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, pool: ComputePool = .shared) {
        let format = type.activationFormat
        withUnsafeTemporaryAllocation(byteCount: QuantizedActivation.byteCount(format, columns: columns), alignment: 64) { scratch in
            guard let scratch = scratch.baseAddress else { return }
            let part = GGMLDot.Part(matrix: self, output: y, activation: QuantizedActivation(format, x, columns: columns, scratch: scratch))
            withUnsafePointer(to: part) { GGMLDot.run(UnsafeBufferPointer(start: $0, count: 1), pool: pool) }
        }
    }

    /// Several matrices with the same `columns` times the same x in ONE parallel pass (q/k/v, gate/up): x is quantised once and the pool is synchronised once.
    public static func multiply(
        _ matrices: [(matrix: QuantizedMatrix, output: UnsafeMutablePointer<Float>)],
        by x: UnsafePointer<Float>, pool: ComputePool = .shared
    ) {
        guard let first = matrices.first else { return }
        let columns = first.matrix.columns
        precondition(matrices.allSatisfy { $0.matrix.columns == columns }, "fused products need the same number of columns")
        // One conversion of x per activation format the matrices need (usually one): its offset in
        // the scratch memory, by format, in a small bit set of formats seen.
        var seen = 0, bytes = 0
        var offsets = (0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &offsets) { raw in
            let offsets = raw.bindMemory(to: Int.self)
            for (matrix, _) in matrices {
                let format = matrix.type.activationFormat.rawValue
                guard seen & (1 << format) == 0 else { continue }
                seen |= 1 << format
                offsets[format] = bytes
                bytes += QuantizedActivation.byteCount(matrix.type.activationFormat, columns: columns)
            }
        }
        withUnsafeTemporaryAllocation(byteCount: bytes, alignment: 64) { scratch in
            guard let scratch = scratch.baseAddress else { return }
            withUnsafeTemporaryAllocation(of: GGMLDot.Part.self, capacity: matrices.count) { parts in
                withUnsafeBytes(of: offsets) { raw in
                    let offsets = raw.bindMemory(to: Int.self)
                    var converted = 0
                    for (index, part) in matrices.enumerated() {
                        let format = part.matrix.type.activationFormat
                        let activation: QuantizedActivation
                        if converted & (1 << format.rawValue) == 0 {
                            converted |= 1 << format.rawValue
                            activation = QuantizedActivation(format, x, columns: columns, scratch: scratch + offsets[format.rawValue])
                        } else {
                            // Already converted by an earlier part of the same format: reuse it.
                            activation = parts[matrices.firstIndex { $0.matrix.type.activationFormat == format } ?? index].activation
                        }
                        parts.initializeElement(at: index, to: GGMLDot.Part(matrix: part.matrix, output: part.output, activation: activation))
                    }
                }
                GGMLDot.run(UnsafeBufferPointer(parts), pool: pool)
                _ = parts.deinitialize()
            }
        }
    }
}
