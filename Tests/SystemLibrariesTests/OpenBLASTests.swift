import COpenBLAS
import Testing

/// The OpenBLAS shim links and computes (the Tensors module builds on it).
@Test func cblasComputesADotProductAndAMatrixProduct() {
    let x: [Float] = [1, 2, 3], y: [Float] = [4, 5, 6]
    #expect(cblas_sdot(3, x, 1, y, 1) == 32)
    let a: [Float] = [1, 2, 3, 4], b: [Float] = [5, 6, 7, 8]
    var c = [Float](repeating: 0, count: 4)
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1, a, 2, b, 2, 0, &c, 2)
    #expect(c == [19, 22, 43, 50])
}
