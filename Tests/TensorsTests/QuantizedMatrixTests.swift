import Foundation
import Synchronization
import Testing

@testable import Tensors

/// Reference values made by `scripts/reference/make_quant_golden.py` with the `gguf` Python package
/// (gguf.quants.quantize/dequantize) and a numpy port of ggml's activation quantisers and generic
/// dot products.
enum QuantGolden {
    struct Activation: Decodable { let quants: String; let scales: [Float]; let sums: [Float]? }
    struct Case: Decodable {
        let type: String; let rows: Int; let columns: Int
        let data: String; let x: String; let dequantized: String
        let product: [Double]; let ggml: [Double]; let activation: Activation?

        var ggmlType: GGMLType? { GGMLType.allCases.first { $0.description == type } }
        var bytes: [UInt8] { [UInt8](Data(base64Encoded: data) ?? Data()) }
        var vector: [Float] { QuantGolden.floats(x) }
        var expected: [Float] { QuantGolden.floats(dequantized) }
    }
    struct File: Decodable { let cases: [Case] }

    static func floats(_ base64: String) -> [Float] {
        let data = Data(base64Encoded: base64) ?? Data()
        return data.withUnsafeBytes { raw in (0..<data.count / 4).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) } }
    }

    static let cases: [Case] = {
        guard let url = Bundle.module.url(forResource: "quant", withExtension: "json", subdirectory: "Golden"),
            let data = try? Data(contentsOf: url), let file = try? JSONDecoder().decode(File.self, from: data)
        else { return [] }
        return file.cases
    }()
}

/// Deterministic test data: random blocks of every type with sane scales, as a GGUF file could hold them.
struct QuantData {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }

    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 17
    }
    mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
    mutating func uniform() -> Float { Float(next() % 2_000_001) / 1_000_000 - 1 }
    mutating func half(_ value: Float) -> [UInt8] { withUnsafeBytes(of: Float16(value).bitPattern.littleEndian, Array.init) }

    /// `rows × columns` weights of `type` as raw bytes. With `exact`, every scale is a power of two
    /// and every weight a small multiple of one, so that products and sums of them are exact floats.
    mutating func matrix(_ type: GGMLType, rows: Int, columns: Int, exact: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        let scale = { (x: inout QuantData, low: Float, high: Float) -> Float in
            exact ? Float(sign: .plus, exponent: -8 - Int(x.next() % 3), significand: 1) : low + (high - low) * (x.uniform() + 1) / 2
        }
        for _ in 0..<rows * columns / type.blockSize {
            switch type {
            case .f32:
                let v = exact ? Float(Int(next() % 17) - 8) / 64 : uniform() * 0.1
                out += withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init)
            case .f16: out += half(exact ? Float(Int(next() % 17) - 8) / 64 : uniform() * 0.1)
            case .bf16:
                let v = exact ? Float(Int(next() % 17) - 8) / 64 : uniform() * 0.1
                out += withUnsafeBytes(of: HalfFloat.bfloat(from: v).littleEndian, Array.init)
            case .q4_0: out += half(scale(&self, 0.001, 0.02)) + (0..<16).map { _ in byte() }
            case .q4_1:
                out += half(scale(&self, 0.001, 0.02)) + half(exact ? -8 * scale(&self, 0, 0) : uniform() * 0.1) + (0..<16).map { _ in byte() }
            case .q8_0: out += half(scale(&self, 0.0005, 0.002)) + (0..<32).map { _ in byte() }
            case .q4_K: out += half(scale(&self, 2e-4, 2e-3)) + half(scale(&self, 1e-4, 1e-3)) + (0..<140).map { _ in byte() }
            case .q6_K: out += (0..<208).map { _ in byte() } + half(scale(&self, 1e-4, 1e-3))
            }
        }
        return out
    }

    /// A vector of `count` floats. With `exact`, small integers times a power of two per 32, each
    /// 32 (and so each 256) led by ±127 times it, so that ggml's Q8 scales are exactly that power.
    mutating func vector(_ count: Int, exact: Bool = false) -> [Float] {
        guard exact else { return (0..<count).map { _ in uniform() * 2 } }
        var x = [Float](repeating: 0, count: count)
        for start in stride(from: 0, to: count, by: 32) {
            let unit = Float(sign: .plus, exponent: -Int(next() % 4), significand: 1)
            for j in start..<min(count, start + 32) { x[j] = Float(Int(next() % 17) - 8) * unit }
            x[start] = (next() % 2 == 0 ? 127 : -127) * unit
        }
        return x
    }
}

@Suite struct QuantizedMatrixTests {
    /// `y = W·x` by `multiply` with `threads` threads.
    func product(_ type: GGMLType, _ bytes: [UInt8], rows: Int, columns: Int, _ x: [Float], threads: Int = 2) -> [Float] {
        let pool = ComputePool(threads: threads)
        return bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return [] }
            let matrix = QuantizedMatrix(type: type, rows: rows, columns: columns, base: base)
            var y = [Float](repeating: .nan, count: rows)
            y.withUnsafeMutableBufferPointer { y in matrix.multiply(x, into: y.baseAddress!, pool: pool) }
            return y
        }
    }

    /// Row by row with ggml's generic kernels (`GGMLDotReference`).
    func referenceProduct(_ type: GGMLType, _ bytes: [UInt8], rows: Int, columns: Int, _ x: [Float]) -> [Float] {
        let scratch = UnsafeMutableRawPointer.allocate(
            byteCount: QuantizedActivation.byteCount(type.activationFormat, columns: columns), alignment: 64)
        defer { scratch.deallocate() }
        let activation = QuantizedActivation(type.activationFormat, x, columns: columns, scratch: scratch)
        return bytes.withUnsafeBytes { raw in
            let matrix = QuantizedMatrix(type: type, rows: rows, columns: columns, base: raw.baseAddress!)
            return (0..<rows).map { GGMLDotReference.dot(type, row: matrix.row($0), activation) }
        }
    }

    func dequantized(_ type: GGMLType, _ bytes: [UInt8], rows: Int, columns: Int) -> [Float] {
        bytes.withUnsafeBytes { raw in
            let matrix = QuantizedMatrix(type: type, rows: rows, columns: columns, base: raw.baseAddress!)
            var out = [Float](repeating: .nan, count: rows * columns)
            out.withUnsafeMutableBufferPointer { matrix.dequantize(rows: 0..<rows, into: $0.baseAddress!, pool: ComputePool(threads: 2)) }
            return out
        }
    }

    @Test func goldenFileHasEveryType() {
        #expect(Set(QuantGolden.cases.compactMap(\.ggmlType)) == Set(GGMLType.allCases))
    }

    @Test func dequantisationMatchesGGUFBitForBit() {
        for golden in QuantGolden.cases {
            guard let type = golden.ggmlType else { Issue.record("unknown type \(golden.type)"); continue }
            let bytes = golden.bytes, expected = golden.expected
            #expect(bytes.count == golden.rows * golden.columns / type.blockSize * type.bytesPerBlock)
            let all = dequantized(type, bytes, rows: golden.rows, columns: golden.columns)
            #expect(all.map(\.bitPattern) == expected.map(\.bitPattern), "\(type): dequantize(rows:)")
            bytes.withUnsafeBytes { raw in
                let matrix = QuantizedMatrix(type: type, rows: golden.rows, columns: golden.columns, base: raw.baseAddress!)
                var row = [Float](repeating: .nan, count: golden.columns)
                row.withUnsafeMutableBufferPointer { matrix.dequantizeRow(golden.rows - 1, into: $0.baseAddress!) }
                #expect(row.map(\.bitPattern) == expected.suffix(golden.columns).map(\.bitPattern), "\(type): dequantizeRow")
            }
        }
    }

    @Test func activationQuantisationMatchesGGMLReference() {
        for golden in QuantGolden.cases {
            guard let type = golden.ggmlType, let expected = golden.activation else { continue }
            let format = type.activationFormat
            let scratch = UnsafeMutableRawPointer.allocate(byteCount: QuantizedActivation.byteCount(format, columns: golden.columns), alignment: 64)
            defer { scratch.deallocate() }
            let activation = QuantizedActivation(format, golden.vector, columns: golden.columns, scratch: scratch)
            let quants = (0..<golden.columns).map { activation.quants[$0] }
            let expectedQuants = [UInt8](Data(base64Encoded: expected.quants) ?? Data()).map { Int8(bitPattern: $0) }
            #expect(quants == expectedQuants, "\(format)")
            #expect((0..<expected.scales.count).map { activation.scales[$0] } == expected.scales, "\(format) scales")
            if let sums = expected.sums { #expect((0..<sums.count).map { activation.sums[$0] } == sums, "\(format) sums") }
        }
    }

    /// The product as ggml computes it (the golden file's numpy port of its quantisers and generic
    /// kernels, integer block sums exact, combined in float64): only float rounding may differ.
    @Test func productsMatchGGML() {
        for golden in QuantGolden.cases {
            guard let type = golden.ggmlType else { continue }
            let x = golden.vector, w = golden.expected
            for threads in [1, 2] {
                let y = product(type, golden.bytes, rows: golden.rows, columns: golden.columns, x, threads: threads)
                for r in 0..<golden.rows {
                    let magnitude = (0..<golden.columns).reduce(0.0) { $0 + abs(Double(w[r * golden.columns + $1]) * Double(x[$1])) }
                    #expect(abs(Double(y[r]) - golden.ggml[r]) <= 2e-6 * magnitude + 1e-7, "\(type) row \(r): \(y[r]) vs \(golden.ggml[r])")
                }
            }
        }
    }

    /// `multiply` against the exact W·x (float64, dequantised weights) within what quantising x
    /// costs. Q8_0/Q8_1 round x/d to integers with d = amax/127 stored as f16, so each x̂ is off by
    /// at most d·(½ + 127·2⁻¹¹); Q4_1's term m·s uses s = f16(d·Σq) rather than Σx̂, off by at most
    /// 4·d per block; Q8_K's d = max/127 is a float, so x̂ is off by at most d/2; F16 and BF16 round
    /// x relatively by 2⁻¹¹ and 2⁻⁸. The bound is the sum of |w|·(that error) over the row, plus
    /// 10⁻⁵ of Σ|w·x| for float rounding.
    @Test func productsApproximateTheExactProductWithinTheActivationRounding() {
        for golden in QuantGolden.cases {
            guard let type = golden.ggmlType else { continue }
            let x = golden.vector, w = golden.expected, n = golden.columns
            let y = product(type, golden.bytes, rows: golden.rows, columns: n, x)
            let format = type.activationFormat
            var errors = [Double](repeating: 0, count: n)  // the bound on |x̂_j − x_j|
            var blockD = [Double](repeating: 0, count: n)
            for start in stride(from: 0, to: n, by: format.blockSize) {
                let block = start..<min(n, start + format.blockSize)
                let amax = block.map { Double(abs(x[$0])) }.max() ?? 0
                for j in block {
                    blockD[j] = amax / 127
                    switch format {
                    case .f32: errors[j] = 0
                    case .f16: errors[j] = abs(Double(x[j])) * 0x1p-11 + 0x1p-25
                    case .bf16: errors[j] = abs(Double(x[j])) * 0x1p-8
                    case .q8_0, .q8_1: errors[j] = amax / 127 * (0.5 + 127 * 0x1p-11 + 1e-5)
                    case .q8_K: errors[j] = amax / 127 * (0.5 + 1e-5)
                    }
                }
            }
            let bytes = golden.bytes
            for r in 0..<golden.rows {
                var bound = 0.0, magnitude = 0.0
                for j in 0..<n {
                    let wj = Double(w[r * n + j])
                    bound += abs(wj) * errors[j]; magnitude += abs(wj * Double(x[j]))
                }
                if type == .q4_1 {
                    for b in 0..<n / 32 {
                        let m = Double(
                            HalfFloat.float(fromHalf: UInt16(bytes[r * n / 32 * 20 + 20 * b + 2]) | UInt16(bytes[r * n / 32 * 20 + 20 * b + 3]) << 8))
                        bound += abs(m) * 4 * blockD[32 * b]
                    }
                }
                bound += 1e-5 * magnitude + 1e-7
                let error = abs(Double(y[r]) - golden.product[r])
                #expect(error <= bound, "\(type) row \(r): error \(error) > bound \(bound)")
            }
        }
    }

    /// With power-of-two scales and small integers every float operation is exact, so the fast
    /// kernels must agree with ggml's generic ones bit for bit, whatever the order of additions.
    @Test(arguments: GGMLType.allCases)
    func kernelsEqualGenericKernelsExactly(type: GGMLType) {
        var data = QuantData(seed: UInt64(type.rawValue) + 1)
        // Odd numbers of blocks too (160 = 5 blocks of 32, 768 = 3 of 256): kernels pair blocks.
        for (rows, columns) in [(1, type.blockSize == 256 ? 256 : 64), (7, 512), (5, type.blockSize == 256 ? 768 : 160), (37, 1536)] {
            let bytes = data.matrix(type, rows: rows, columns: columns, exact: true)
            let x = data.vector(columns, exact: true)
            let expected = referenceProduct(type, bytes, rows: rows, columns: columns, x)
            for threads in [1, 2, 5] {
                let y = product(type, bytes, rows: rows, columns: columns, x, threads: threads)
                #expect(y.map(\.bitPattern) == expected.map(\.bitPattern), "\(type) \(rows)×\(columns), \(threads) threads")
            }
        }
    }

    /// Random data (any byte, sane scales): fast and generic kernels agree to float rounding.
    @Test(arguments: GGMLType.allCases)
    func kernelsAgreeWithGenericKernelsOnRandomData(type: GGMLType) {
        var data = QuantData(seed: UInt64(type.rawValue) + 100)
        let rows = 13, columns = 1024
        let bytes = data.matrix(type, rows: rows, columns: columns)
        let x = data.vector(columns)
        let w = dequantized(type, bytes, rows: rows, columns: columns)
        let expected = referenceProduct(type, bytes, rows: rows, columns: columns, x)
        let y = product(type, bytes, rows: rows, columns: columns, x, threads: 3)
        for r in 0..<rows {
            let magnitude = (0..<columns).reduce(Float(0)) { $0 + abs(w[r * columns + $1] * x[$1]) }
            #expect(abs(y[r] - expected[r]) <= 2e-6 * magnitude, "\(type) row \(r): \(y[r]) vs \(expected[r])")
        }
    }

    @Test func fusedProductsEqualSeparateOnes() {
        var data = QuantData(seed: 7)
        let columns = 512
        let specs: [(GGMLType, Int)] = [(.q4_1, 9), (.q4_1, 3), (.q6_K, 5), (.q8_0, 1), (.f16, 4)]
        let matrices = specs.map { data.matrix($0.0, rows: $0.1, columns: columns) }
        let x = data.vector(columns)
        let separate = zip(specs, matrices).map { product($0.0, $1, rows: $0.1, columns: columns, x) }
        let pool = ComputePool(threads: 3)
        var outputs = specs.map { [Float](repeating: .nan, count: $0.1) }
        let pointers = matrices.map { bytes in
            let p = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 16)
            p.copyMemory(from: bytes, byteCount: bytes.count)
            return p
        }
        defer { pointers.forEach { $0.deallocate() } }
        let outs = outputs.map { UnsafeMutablePointer<Float>.allocate(capacity: $0.count) }
        defer { outs.forEach { $0.deallocate() } }
        let parts = specs.indices.map { i in
            (matrix: QuantizedMatrix(type: specs[i].0, rows: specs[i].1, columns: columns, base: pointers[i]), output: outs[i])
        }
        QuantizedMatrix.multiply(parts, by: x, pool: pool)
        for i in specs.indices { outputs[i] = Array(UnsafeBufferPointer(start: outs[i], count: specs[i].1)) }
        for i in specs.indices {
            #expect(outputs[i].map(\.bitPattern) == separate[i].map(\.bitPattern), "\(specs[i].0) part \(i)")
        }
    }

    @Test func bulkDequantisationEqualsRowByRow() {
        var data = QuantData(seed: 11)
        for type in [GGMLType.q4_K, .q8_0, .f16] {
            let rows = 300, columns = 256  // 76 800 values: dequantize(rows:) splits them over threads
            let bytes = data.matrix(type, rows: rows, columns: columns)
            let bulk = dequantized(type, bytes, rows: rows, columns: columns)
            bytes.withUnsafeBytes { raw in
                let matrix = QuantizedMatrix(type: type, rows: rows, columns: columns, base: raw.baseAddress!)
                var row = [Float](repeating: 0, count: columns)
                for r in [0, 149, 150, 299] {
                    row.withUnsafeMutableBufferPointer { matrix.dequantizeRow(r, into: $0.baseAddress!) }
                    #expect(row.map(\.bitPattern) == bulk[r * columns..<(r + 1) * columns].map(\.bitPattern), "\(type) row \(r)")
                }
                var part = [Float](repeating: .nan, count: 3 * columns)
                part.withUnsafeMutableBufferPointer { matrix.dequantize(rows: 100..<103, into: $0.baseAddress!) }
                #expect(part.map(\.bitPattern) == bulk[100 * columns..<103 * columns].map(\.bitPattern), "\(type) rows 100..<103")
            }
        }
    }

    @Test func moreThreadsThanRows() {
        var data = QuantData(seed: 3)
        for rows in [1, 3, 7] {
            let bytes = data.matrix(.q4_1, rows: rows, columns: 576)
            let x = data.vector(576)
            let expected = referenceProduct(.q4_1, bytes, rows: rows, columns: 576, x)
            for threads in [1, 2, 4, 8] {
                let y = product(.q4_1, bytes, rows: rows, columns: 576, x, threads: threads)
                for r in 0..<rows { #expect(abs(y[r] - expected[r]) <= 1e-4 * max(1, abs(expected[r])), "\(rows) rows, \(threads) threads") }
            }
        }
    }

    @Test func halfConversionIsExactForEveryHalf() {
        for bits in 0...UInt16.max {
            let expected = Float(Float16(bitPattern: bits))
            let value = HalfFloat.float(fromHalf: bits)
            if expected.isNaN {
                #expect(value.isNaN)
            } else if value.bitPattern != expected.bitPattern {
                Issue.record("half \(bits): \(value) vs \(expected)"); return
            }
        }
    }

    @Test func roundingToHalfMatchesFloat16() throws {
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 64)
        defer { scratch.deallocate() }
        let activation = QuantizedActivation(.q8_0, [Float](repeating: 1, count: 32), columns: 32, scratch: scratch)
        var state: UInt32 = 12345
        for i in 0..<300_000 {
            // Every exponent a half can reach (and some beyond), random mantissas, both signs, and
            // values exactly halfway between halves.
            state = state &* 1_664_525 &+ 1_013_904_223
            var bits = (state & 0x807f_ffff) | (UInt32(90 + i % 60) << 23)
            if i % 7 == 0 { bits = (bits & 0xffff_e000) | 0x1000 }
            let value = Float(bitPattern: bits)
            let expected = Float(Float16(value)), rounded = activation.roundedToHalf(value)
            guard rounded.bitPattern == expected.bitPattern else {
                Issue.record("\(value): \(rounded) vs \(expected)"); return
            }
        }
        for value: Float in [0, -0, 65504, 65519.99, 65520, -70000, .infinity, 6e-8, 2.98e-8, 2.99e-8] {
            #expect(activation.roundedToHalf(value).bitPattern == Float(Float16(value)).bitPattern, "\(value)")
        }
    }

    @Test func bfloatRoundsToNearestEven() {
        #expect(HalfFloat.bfloat(from: 1) == 0x3f80)
        #expect(HalfFloat.bfloat(from: Float(bitPattern: 0x3f80_8000)) == 0x3f80)  // tie, to even
        #expect(HalfFloat.bfloat(from: Float(bitPattern: 0x3f81_8000)) == 0x3f82)  // tie, to even
        #expect(HalfFloat.bfloat(from: Float(bitPattern: 0x3f80_8001)) == 0x3f81)
        #expect(HalfFloat.bfloat(from: -2.5) == 0xc020)
        #expect(HalfFloat.float(fromBFloat: 0xc020) == -2.5)
        #expect(HalfFloat.float(fromBFloat: HalfFloat.bfloat(from: .nan)).isNaN)
    }

    @Test func parallelForCoversEveryIndexOnce() {
        for threads in [1, 2, 3, 8] {
            let pool = ComputePool(threads: threads)
            for count in [0, 1, 2, 5, 17, 100, 1000] {
                for granularity in [1, 4, 7] {
                    let hits = UnsafeMutablePointer<Int>.allocate(capacity: max(count, 1))
                    hits.initialize(repeating: 0, count: max(count, 1))
                    defer { hits.deallocate() }
                    let chunks = Atomic<Int>(0)
                    pool.parallelFor(count, granularity: granularity) { range in
                        chunks.add(1, ordering: .relaxed)
                        if range.lowerBound % granularity != 0 { hits[range.lowerBound] += 1000 }
                        for i in range { hits[i] += 1 }
                    }
                    #expect((0..<count).allSatisfy { hits[$0] == 1 }, "\(count) by \(granularity) on \(threads) threads")
                    #expect(chunks.load(ordering: .relaxed) <= threads)
                }
            }
        }
    }

    /// Idle workers go to sleep after a short spin, and a caller waiting long for a worker sleeps
    /// too: both must be woken.
    @Test func poolWakesSleepingWorkersAndCallers() {
        let pool = ComputePool(threads: 2)
        for round in 0..<10 {
            usleep(1_000)  // longer than the spin: the worker is asleep when the call comes
            let seen = Atomic<Int>(0)
            pool.run { worker in
                if round % 2 == 1, worker == 1 { usleep(1_000) }  // the caller outwaits its spin
                seen.add(1 << (worker * 8), ordering: .relaxed)
            }
            #expect(seen.load(ordering: .relaxed) == 0x0101)
        }
    }

    @Test func runCallsEveryWorkerOnceEvenWhenNested() {
        let pool = ComputePool(threads: 3)
        for _ in 0..<1000 {
            let seen = Atomic<Int>(0)
            pool.run { worker in seen.add(1 << (worker * 8), ordering: .relaxed) }
            #expect(seen.load(ordering: .relaxed) == 0x010101)
        }
        let nested = Atomic<Int>(0)
        pool.run { _ in pool.run { _ in nested.add(1, ordering: .relaxed) } }
        #expect(nested.load(ordering: .relaxed) == 9)
        // Calls from several threads at once share the pool without deadlock.
        let total = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<50 { pool.parallelFor(10) { range in total.add(range.count, ordering: .relaxed) } }
        }
        #expect(total.load(ordering: .relaxed) == 8 * 50 * 10)
    }

    /// Back-to-back calls whose task counts grow: a worker finishing one call must not claim a
    /// task of the next with the old call's word (once it ran the next body twice, and the
    /// caller's `withoutActuallyEscaping` trapped, under load in CI).
    @Test func backToBackCallsRunEachTaskOnce() {
        let pool = ComputePool(threads: 2)
        for round in 0..<20_000 {
            let count = round % 2 == 0 ? 2 : 48
            let runs = Atomic<Int>(0)
            pool.perform(tasks: count) { task in runs.add(1 + task * 1_000, ordering: .relaxed) }
            #expect(runs.load(ordering: .relaxed) == count + 1_000 * count * (count - 1) / 2)
        }
    }
}
