import Foundation
import Testing

@testable import Tensors

@Suite struct TensorsTests {
    /// A deterministic pseudo-random matrix.
    func random(_ rows: Int, _ cols: Int, seed: UInt64) -> Matrix {
        var state = seed
        return Matrix(
            rows: rows, cols: cols,
            values: (0..<rows * cols).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Float(Int64(bitPattern: state >> 11) % 2000) / 1000 - 1
            })
    }

    func naiveProduct(_ a: Matrix, _ b: Matrix) -> Matrix {
        var out = Matrix(rows: a.rows, cols: b.cols)
        for i in 0..<a.rows {
            for j in 0..<b.cols {
                var s: Double = 0
                for k in 0..<a.cols { s += Double(a[i, k]) * Double(b[k, j]) }
                out[i, j] = Float(s)
            }
        }
        return out
    }

    @Test func productsAgreeWithTheDefinition() {
        let a = random(7, 5, seed: 1), b = random(5, 3, seed: 2)
        let expected = naiveProduct(a, b)
        for (x, y) in zip(a.multiplied(by: b).values, expected.values) { #expect(abs(x - y) < 1e-5) }
        for (x, y) in zip(a.multiplied(byTransposed: b.transposed).values, expected.values) { #expect(abs(x - y) < 1e-5) }
        let v = [Float](b.transposed.row(1))
        for (x, y) in zip(a.multiplied(by: v), expected.values.enumerated().filter { $0.offset % 3 == 1 }.map(\.element)) {
            #expect(abs(x - y) < 1e-5)
        }
        #expect(Matrix(rows: 0, cols: 5).multiplied(by: b).rows == 0)
    }

    @Test func fastErfMatchesTheCLibrary() {
        var worst: Double = 0
        for i in -60000...60000 {
            let x = Float(i) / 10000
            worst = max(worst, abs(Double(Activations.erf(x)) - Foundation.erf(Double(x))))
        }
        #expect(worst < 5e-7)
    }

    @Test func fastExpIsWithinTwoUlpsOfTheCLibrary() {
        var worst: Double = 0
        for i in -87000...88000 {
            let x = Float(i) / 1000
            let exact = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(Activations.exp(x)) - exact) / exact)
        }
        #expect(worst < 2.5e-7)
        #expect(Activations.exp(-200) < 1e-37)
        #expect(Activations.exp(0) == 1)
    }

    @Test func sumsAndMaximaCoverEveryValue() {
        for count in [1, 7, 8, 15, 16, 17, 33, 384] {
            let values = (0..<count).map { Float(($0 * 37) % 11) - 5 }
            values.withUnsafeBufferPointer { p in
                #expect(Activations.sum(p.baseAddress!, count: count) == values.reduce(0, +))
                #expect(Activations.maximum(p.baseAddress!, count: count) == values.max()!)
            }
        }
    }

    @Test func geluMatchesItsDefinition() {
        var x: [Float] = [-3, -1, -0.5, 0, 0.5, 1, 3, 10]
        let expected = x.map { v in 0.5 * Double(v) * (1 + Foundation.erf(Double(v) / 2.squareRoot())) }
        Activations.gelu(&x)
        for (a, b) in zip(x, expected) { #expect(abs(Double(a) - b) < 1e-6) }
    }

    @Test func layerNormGivesZeroMeanUnitVarianceThenScales() {
        var x = random(3, 8, seed: 3).values
        Activations.layerNorm(&x, cols: 8, gamma: [Float](repeating: 2, count: 8), beta: [Float](repeating: 1, count: 8), epsilon: 1e-12)
        for r in 0..<3 {
            let row = x[r * 8..<(r + 1) * 8].map { ($0 - 1) / 2 }
            let mean = row.reduce(0, +) / 8
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 8
            #expect(abs(mean) < 1e-5)
            #expect(abs(variance - 1) < 1e-4)
        }
    }

    @Test func softmaxNormalisesOnlyTheGivenLength() {
        var x: [Float] = [1, 2, 3, 99, 1000, 1000, 1000, 99]
        x.withUnsafeMutableBufferPointer { Activations.softmax($0.baseAddress!, rows: 2, length: 3, stride: 4) }
        #expect(abs(x[0] + x[1] + x[2] - 1) < 1e-6)
        #expect(x[2] > x[1] && x[1] > x[0])
        #expect(x[3] == 99 && x[7] == 99)
        #expect(abs(x[4] - 1 / 3) < 1e-6)  // large equal values do not overflow
    }

    @Test func normalizeGivesUnitLengthAndKeepsZero() {
        var v: [Float] = [3, 4]
        Activations.normalize(&v)
        #expect(v == [0.6, 0.8])
        var zero: [Float] = [0, 0]
        Activations.normalize(&zero)
        #expect(zero == [0, 0])
    }
}
