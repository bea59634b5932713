import Foundation
import QuarryTestSupport
import Tensors
import Testing

@testable import Models

@Suite struct GGUFFileTests {
    func floats(_ values: [Float]) -> [UInt8] { values.flatMap { GGUFBuilder.le($0.bitPattern) } }

    /// A valid file with every value type, nested arrays and tensors of several types.
    func sample() -> GGUFBuilder {
        var b = GGUFBuilder()
        b.add("general.architecture", .string("llama"))
        b.add("u8", .uint8(200)); b.add("i8", .int8(-5)); b.add("u16", .uint16(60000)); b.add("i16", .int16(-300))
        b.add("u32", .uint32(4_000_000_000)); b.add("i32", .int32(-7)); b.add("u64", .uint64(1 << 40)); b.add("i64", .int64(-(1 << 40)))
        b.add("f32", .float32(0.5)); b.add("f64", .float64(-2.25)); b.add("yes", .bool(true))
        b.add("names", .array([.string("a"), .string("ü"), .string("")]))
        b.add("scores", .array([.float32(1.5), .float32(-2)]))
        b.add("types", .array([.int32(1), .int32(3)]))
        b.add("nested", .array([.array([.uint8(1), .uint8(2)]), .array([.string("x")])]))
        b.tensor("w", [3, 2], type: 0, data: floats([1, 2, 3, 4, 5, 6]))
        b.tensor("h", [2], type: 1, data: [0x00, 0x3C, 0x00, 0xC0])  // 1.0, -2.0
        b.tensor("b", [2], type: 30, data: [0x80, 0x3F, 0x40, 0x40])  // 1.0, 3.0
        b.tensor("q", [32, 2], type: 8, data: [UInt8](repeating: 1, count: 68))
        b.tensor("new", [8], type: 99, data: [UInt8](repeating: 0, count: 8))  // a type GGML does not define (yet)
        b.tensor("q5", [32], type: 6, data: [UInt8](repeating: 0, count: 22))  // Q5_0: not read by Quarry
        return b
    }

    /// Writes `builder`'s file, opens it and removes it (the map keeps the bytes).
    func open(_ builder: GGUFBuilder) throws -> GGUFFile {
        let path = try builder.write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try GGUFFile(path: path)
    }

    @Test func readsMetadataOfEveryTypeAndTensorInfos() throws {
        let file = try open(sample())
        #expect(file.version == 3 && file.alignment == 32)
        #expect(file.string("general.architecture") == "llama")
        #expect(file.int("u8") == 200 && file.int("i8") == -5 && file.int("u16") == 60000 && file.int("i16") == -300)
        #expect(file.int("u32") == 4_000_000_000 && file.int("i32") == -7 && file.int("u64") == 1 << 40 && file.int("i64") == -(1 << 40))
        #expect(file.float("f32") == 0.5 && file.float("f64") == -2.25 && file.bool("yes") == true && file.bool("u8") == nil)
        #expect(file.strings("names") == ["a", "ü", ""])
        #expect(file.floats("scores") == [1.5, -2] && file.ints("types") == [1, 3] && file.strings("types") == nil)
        #expect(file.metadata["nested"] == .array([.array([.uint8(1), .uint8(2)]), .array([.string("x")])]))
        #expect(file.metadataKeys.first == "general.architecture" && file.metadataKeys.count == 16)
        #expect(file.tensorNames == ["w", "h", "b", "q", "new", "q5"])
        let w = try #require(file.tensors["w"])
        #expect(w.dimensions == [3, 2] && w.type == .f32 && w.byteCount == 24 && w.offset == file.dataOffset)
        #expect(file.dataOffset % 32 == 0)
        #expect(file.tensors["q"]?.byteCount == 68 && file.tensors["q"]?.offset == file.dataOffset + 96)
        #expect(file.tensors["q5"]?.type == nil && file.tensors["q5"]?.typeID == 6 && file.tensors["q5"]?.byteCount == 22)
        #expect(file.tensors["new"]?.type == nil && file.tensors["new"]?.byteCount == nil)
        #expect(throws: ModelError.badTensor(path: file.path, name: "new", reason: "type 99 is not supported")) { try file.data(of: "new") }
        #expect(try file.floats(of: "w") == [1, 2, 3, 4, 5, 6])
        #expect(try file.floats(of: "h") == [1, -2])
        #expect(try file.floats(of: "b") == [1, 3])
        let (info, pointer) = try file.data(of: "q")
        #expect(info.name == "q" && pointer.load(fromByteOffset: 5, as: UInt8.self) == 1)
        #expect(throws: ModelError.badTensor(path: file.path, name: "q5", reason: "type Q5_0 is not supported")) { try file.data(of: "q5") }
        #expect { try file.floats(of: "q") } throws: { "\($0)".contains("Q8_0") }
        #expect(throws: ModelError.badTensor(path: file.path, name: "nope", reason: "not in the file")) { try file.data(of: "nope") }
        let raw = try #require(file.rawStrings("names"))
        #expect(raw.map { Array($0) } == [[0x61], [0xC3, 0xBC], []])
    }

    @Test func honoursACustomAlignment() throws {
        var b = GGUFBuilder()
        b.alignment = 64
        b.add("general.alignment", .uint32(64))
        b.tensor("a", [4], type: 0, data: floats([1, 2, 3, 4]))
        b.tensor("b", [2], type: 0, data: floats([5, 6]))
        let file = try open(b)
        #expect(file.alignment == 64 && file.dataOffset % 64 == 0)
        #expect(file.tensors["b"]?.offset == file.dataOffset + 64)
        #expect(try file.floats(of: "b") == [5, 6])
    }

    /// Parses `bytes` in memory (as `GGUFFile` does after mapping): nil when they are accepted,
    /// else the `.malformed` reason.
    func reason(_ bytes: [UInt8]) throws -> String? {
        do {
            _ = try bytes.withUnsafeBytes { raw in
                var parser = GGUFParser(path: "memory", bytes: raw)
                return try parser.parse()
            }
            return nil
        } catch let error as ModelError {
            guard case .malformed(_, let reason) = error else { return "wrong error \(error)" }
            return reason
        }
    }

    @Test func aFileOnDiskReportsItsPath() throws {
        let path = try GGUFBuilder().write(Array(sample().bytes().prefix(100)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect { try GGUFFile(path: path) } throws: { error in
            guard case ModelError.malformed(let p, let reason) = error else { return false }
            return p == path && reason.contains("truncated")
        }
        let empty = try GGUFBuilder().write([])
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect { try GGUFFile(path: empty) } throws: { "\($0)".contains("too short") }
    }

    @Test func everyTruncationIsReportedAsMalformed() throws {
        let bytes = sample().bytes()
        for cut in stride(from: 0, to: bytes.count, by: 1) {
            let reason = try reason(Array(bytes.prefix(cut)))
            #expect(reason != nil, "a file cut to \(cut) of \(bytes.count) bytes opened")
            if let reason, cut >= 4 { #expect(reason.contains("truncated") || reason.contains("too short"), "\(cut): \(reason)") }
        }
        #expect(try reason(bytes) == nil)
    }

    @Test func badMagicVersionsAndLayoutsAreMalformed() throws {
        var b = sample()
        b.magic = Array("GGUG".utf8)
        #expect(try reason(b.bytes())?.contains("not a GGUF file") == true)
        for version: UInt32 in [1, 4, 0x0300_0000] {
            b = sample(); b.version = version
            #expect(try reason(b.bytes()) == "GGUF version \(version) is not supported (only versions 2 and 3 are)")
        }
        b = sample(); b.version = 2
        #expect(try reason(b.bytes()) == nil)

        b = GGUFBuilder(); b.tensor("m", [4], type: 0, data: floats([1, 2, 3, 4]), offset: 8)
        #expect(try reason(b.bytes())?.contains("tensor m starts at data offset 8, not a multiple of the alignment 32") == true)

        b = GGUFBuilder(); b.tensor("odd", [40], type: 8, data: [UInt8](repeating: 0, count: 68))
        #expect(try reason(b.bytes())?.contains("not a whole number of 32-weight blocks") == true)

        b = GGUFBuilder(); b.tensor("k", [128, 2], type: 12, data: [UInt8](repeating: 0, count: 144))
        #expect(try reason(b.bytes())?.contains("tensor k of type Q4_K") == true)

        b = GGUFBuilder(); b.tensor("far", [4], type: 0, data: floats([1, 2, 3, 4]))
        var bytes = b.bytes(); bytes.removeLast()
        #expect(try reason(bytes)?.contains("tensor far lies at bytes") == true)

        b = GGUFBuilder(); b.add("k", .uint8(1)); b.add("k", .uint8(2))
        #expect(try reason(b.bytes()) == "metadata key k appears twice")

        b = GGUFBuilder(); b.add("general.alignment", .uint32(24))
        #expect(try reason(b.bytes())?.contains("general.alignment") == true)

        // An unknown value type, and an array claiming far more elements than the file holds.
        bytes = GGUFBuilder.le(UInt32(0x4655_4747)) + GGUFBuilder.le(UInt32(3)) + GGUFBuilder.le(UInt64(0)) + GGUFBuilder.le(UInt64(1))
        #expect(
            try reason(bytes + GGUFBuilder.string("x") + GGUFBuilder.le(UInt32(13)) + [0, 0, 0, 0])
                == "metadata x has unknown value type 13 (at byte 33)")
        let huge = bytes + GGUFBuilder.string("arr") + GGUFBuilder.le(UInt32(9)) + GGUFBuilder.le(UInt32(8)) + GGUFBuilder.le(UInt64(1) << 60)
        #expect(try reason(huge)?.contains("claims 1152921504606846976 elements") == true)
        // Arrays nested without end.
        var deep = bytes + GGUFBuilder.string("deep") + GGUFBuilder.le(UInt32(9))
        for _ in 0..<40 { deep += GGUFBuilder.le(UInt32(9)) + GGUFBuilder.le(UInt64(1)) }
        #expect(try reason(deep)?.contains("nests arrays") == true)
    }

    /// The file as gguf-py reads it (llm.json): header numbers, every scalar, array summaries, tensor infos.
    func expectMatchesGGUFPy(_ path: String, _ golden: LLMGolden.GGUFView) throws {
        let file = try GGUFFile(path: path)
        #expect(file.version == golden.version && file.alignment == golden.alignment && file.dataOffset == golden.data_offset)
        #expect(file.tensors.count == golden.tensor_count && file.metadata.count == golden.kv_count)
        let typeNames: [UInt32: String] = [
            0: "UINT8", 1: "INT8", 2: "UINT16", 3: "INT16", 4: "UINT32", 5: "INT32", 6: "FLOAT32",
            7: "BOOL", 8: "STRING", 9: "ARRAY", 10: "UINT64", 11: "INT64", 12: "FLOAT64",
        ]
        func same(_ value: GGUFFile.Value, _ expected: LLMGolden.Scalar) -> Bool {
            switch (value, expected) {
            case (.string(let s), .string(let e)): s == e
            case (.bool(let b), .bool(let e)): b == e
            case (.float32(let f), .double(let e)): f == Float(e)
            case (.float32(let f), .int(let e)): f == Float(e)
            case (.float64(let f), .double(let e)): f == e
            case (_, .int(let e)): value.int == e
            default: false
            }
        }
        for (key, expected) in golden.scalars {
            let value = try #require(file.metadata[key], "\(key)")
            #expect(typeNames[value.typeID] == expected.type, "\(key)")
            #expect(same(value, expected.value), "\(key): \(value) vs \(expected.value)")
        }
        for (key, expected) in golden.arrays {
            let elements = try #require(file.metadata[key]?.array, "\(key)")
            #expect(elements.count == expected.count, "\(key)")
            #expect(elements.first.flatMap { typeNames[$0.typeID] } == expected.type, "\(key)")
            for (value, e) in zip(elements.prefix(expected.head.count), expected.head) { #expect(same(value, e), "\(key) head") }
            for (value, e) in zip(elements.suffix(expected.tail.count), expected.tail) { #expect(same(value, e), "\(key) tail") }
        }
        for expected in golden.tensors {
            let info = try #require(file.tensors[expected.name], "\(expected.name)")
            #expect(info.dimensions == expected.dims && info.typeID == expected.type, "\(expected.name)")
            #expect(info.offset == expected.offset && info.byteCount == expected.bytes, "\(expected.name)")
        }
        #expect(Set(file.tensorNames) == Set(file.tensors.keys) && file.tensorNames.count == golden.tensor_count)
    }

    @Test func tinyModelReadsAsGGUFPyReadsIt() throws {
        let golden = try #require(LLMGolden.model("tiny-llama"))
        let path = Paths.tinyModel
        try expectMatchesGGUFPy(path, golden.gguf)
        let file = try GGUFFile(path: path)
        #expect(file.tensorNames.first == "token_embd.weight" && file.tensorNames.last == "output.weight")
        // Every tensor type the file holds is one Quarry reads; the float ones convert.
        for name in file.tensorNames { #expect(try file.data(of: name).info.type != nil) }
        #expect(try file.floats(of: "blk.0.attn_norm.weight").count == 256)
        #expect(try file.floats(of: "blk.0.attn_k.weight").count == 256 * 128)  // F16
        #expect(try file.floats(of: "blk.1.attn_v.weight").count == 256 * 128)  // BF16
        #expect { try file.floats(of: "output.weight") } throws: { "\($0)".contains("Q6_K") }
    }

    @Test(.enabled(if: LLMGolden.smolLM2 != nil, TestModels.smolMissing)) func smolLM2ReadsAsGGUFPyReadsIt() throws {
        let (path, golden) = try #require(LLMGolden.smolLM2)
        try expectMatchesGGUFPy(path, golden.gguf)
    }

    @Test(.enabled(if: TestModels.smolInstalled, TestModels.smolMissing)) func opensSmolLM2() throws {
        let path = try #require(TestModels.smolLM2Path)
        let start = ContinuousClock.now
        let file = try GGUFFile(path: path)
        let elapsed = ContinuousClock.now - start
        print("GGUF: opened \(path) (\(file.metadata.count) keys, \(file.tensors.count) tensors) in \(elapsed)")
        #expect(file.strings("tokenizer.ggml.tokens")?.count == 49152)
        #expect(file.strings("tokenizer.ggml.merges")?.count == 48900)
        #expect(file.string("tokenizer.ggml.pre") == "smollm" && file.bool("tokenizer.ggml.add_bos_token") == false)
        #expect(file.tensors.count == 272 && file.tensors["token_embd.weight"]?.type == .q8_0)
    }

    @Test func missingFileIsMissing() {
        #expect { try GGUFFile(path: "/nonexistent/model.gguf") } throws: { error in
            if case ModelError.missing = error { true } else { false }
        }
    }
}
