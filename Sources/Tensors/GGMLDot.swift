/// Matrix–vector products over quantised rows: the split of rows across the pool and the dispatch
/// to each weight type's kernel.
enum GGMLDot {
    /// One matrix of a (possibly fused) product, with its output and its converted activation.
    struct Part {
        let matrix: QuantizedMatrix
        let output: UnsafeMutablePointer<Float>
        let activation: QuantizedActivation
    }

    /// Rows handed to a thread are multiples of this (kernels work on a few rows at a time).
    static let rowGranularity = 4

    /// Computes every part's rows, the rows of all parts split evenly over the pool in one call.
    static func run(_ parts: UnsafeBufferPointer<Part>, pool: ComputePool) {
        let total = parts.reduce(0) { $0 + $1.matrix.rows }
        let bytes = parts.reduce(0) { $0 + $1.matrix.rows * $1.matrix.rowBytes }
        guard total > 0 else { return }
        // Small products (a few thousand weights) are not worth waking the other threads for.
        if bytes < 16_384 || pool.threads == 1 {
            for part in parts { rows(part, 0..<part.matrix.rows) }
            return
        }
        pool.parallelFor(total, granularity: rowGranularity) { chunk in
            var start = 0
            for part in parts {
                let end = start + part.matrix.rows
                let lower = max(chunk.lowerBound, start), upper = min(chunk.upperBound, end)
                if lower < upper { rows(part, (lower - start)..<(upper - start)) }
                start = end
            }
        }
    }

    /// Rows `range` of one part.
    static func rows(_ part: Part, _ range: Range<Int>) {
        GGMLKernels.rows(part.matrix, range, part.activation, part.output)
    }
}
