internal import COpenBLAS

/// Matrix products on OpenBLAS. All matrices are row-major.
public enum BLAS {
    /// `C = alpha * op(A) * op(B) + beta * C` on raw row-major buffers, where `op(A)` is `m×k`
    /// and `op(B)` is `k×n`; `lda`, `ldb`, `ldc` are the row strides of the stored matrices.
    @inlinable
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        sgemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    @usableFromInline
    static func sgemm(
        _ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
        _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(
            CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }

    /// `y = alpha * A * x + beta * y` for a row-major `m×n` matrix `A`.
    public static func gemv(
        m: Int, n: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        x: UnsafePointer<Float>, beta: Float = 0, y: UnsafeMutablePointer<Float>
    ) {
        guard m > 0 else { return }
        cblas_sgemv(CblasRowMajor, CblasNoTrans, blasint(m), blasint(n), alpha, a, blasint(lda), x, 1, beta, y, 1)
    }
}

extension Matrix {
    /// `self × otherᵀ`: with `other` holding one weight row per output feature (the PyTorch
    /// layout of a linear layer), this applies the layer to every row of `self`.
    public func multiplied(byTransposed other: Matrix) -> Matrix { product(other, transposed: true) }

    /// `self × other`.
    public func multiplied(by other: Matrix) -> Matrix { product(other, transposed: false) }

    private func product(_ other: Matrix, transposed: Bool) -> Matrix {
        let (inner, n) = transposed ? (other.cols, other.rows) : (other.rows, other.cols)
        precondition(cols == inner, "inner dimensions differ: \(rows)×\(cols) · \(other.rows)×\(other.cols)\(transposed ? "ᵀ" : "")")
        var out = Matrix(rows: rows, cols: n)
        guard rows > 0, n > 0, cols > 0 else { return out }
        values.withUnsafeBufferPointer { a in
            other.values.withUnsafeBufferPointer { b in
                out.values.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(
                        transposeB: transposed, m: rows, n: n, k: cols, a: a.baseAddress!, lda: cols,
                        b: b.baseAddress!, ldb: other.cols, c: c.baseAddress!, ldc: n)
                }
            }
        }
        return out
    }

    /// `self × vector` for a vector of `cols` values.
    public func multiplied(by vector: [Float]) -> [Float] {
        precondition(vector.count == cols, "a \(rows)×\(cols) matrix needs a vector of \(cols) values, not \(vector.count)")
        var out = [Float](repeating: 0, count: rows)
        guard rows > 0, cols > 0 else { return out }
        values.withUnsafeBufferPointer { a in
            vector.withUnsafeBufferPointer { x in
                out.withUnsafeMutableBufferPointer { y in
                    BLAS.gemv(m: rows, n: cols, a: a.baseAddress!, lda: cols, x: x.baseAddress!, y: y.baseAddress!)
                }
            }
        }
        return out
    }
}
