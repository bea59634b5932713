/// Matrix–vector products over quantised rows: the split of rows across the pool and the dispatch
/// to each weight type's kernel.
enum GGMLDot {
    /// One matrix of a (possibly fused) product, with its output and its converted activation.
    struct Part {
        let matrix: QuantizedMatrix
        let output: UnsafeMutablePointer<Float>
        let activation: QuantizedActivation
    }

    /// Rows handed to a thread are multiples of this.
    static let rowGranularity = 4
    /// Tasks a product is split into, per thread of the pool.
    static let tasksPerThread = 4

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
        // More tasks than threads, so that a thread that loses its core mid-product (other
        // processes) holds up only a small share of the rows: the others claim the rest.
        let units = (total + rowGranularity - 1) / rowGranularity
        let tasks = min(units, tasksPerThread * pool.threads)
        pool.perform(tasks: tasks) { task in
            let lower = units * task / tasks * rowGranularity, upper = min(total, units * (task + 1) / tasks * rowGranularity)
            var start = 0
            for part in parts {
                let end = start + part.matrix.rows
                let from = max(lower, start), to = min(upper, end)
                if from < to { rows(part, (from - start)..<(to - start)) }
                start = end
            }
        }
    }

    /// Rows `range` of one part.
    static func rows(_ part: Part, _ range: Range<Int>) {
        GGMLKernels.rows(part.matrix, range, part.activation, part.output)
    }
}
