/// The element formats GGML (and so GGUF files) store tensors in that Quarry reads: plain floats
/// and the block-quantised formats common small models ship in. A quantised row is a run of
/// blocks; each block holds `blockSize` weights in `bytesPerBlock` bytes. The raw values are
/// GGML's own type ids.
public enum GGMLType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case f32 = 0
    case f16 = 1
    case q4_0 = 2
    case q4_1 = 3
    case q8_0 = 8
    case q4_K = 12
    case q6_K = 14
    case bf16 = 30

    /// Weights per block (1 for plain floats).
    public var blockSize: Int {
        switch self {
        case .f32, .f16, .bf16: 1
        case .q4_0, .q4_1, .q8_0: 32
        case .q4_K, .q6_K: 256
        }
    }

    /// Bytes per block.
    public var bytesPerBlock: Int {
        switch self {
        case .f32: 4
        case .f16, .bf16: 2
        case .q4_0: 18  // f16 scale + 16 bytes of 4-bit weights
        case .q4_1: 20  // f16 scale + f16 minimum + 16 bytes
        case .q8_0: 34  // f16 scale + 32 signed bytes
        case .q4_K: 144  // f16 d + f16 dmin + 12 bytes of 6-bit scales/mins + 128 bytes
        case .q6_K: 210  // 128 low nibbles + 64 high bits + 16 scales + f16 d
        }
    }

    /// Bytes taken by `count` weights, or nil when `count` is not a whole number of blocks.
    public func byteCount(elements count: Int) -> Int? {
        guard count >= 0, count % blockSize == 0 else { return nil }
        return count / blockSize * bytesPerBlock
    }

    /// GGML's name for the type, as tools print it (`Q4_K`, `F16`, …).
    public var description: String {
        switch self {
        case .f32: "F32"
        case .f16: "F16"
        case .q4_0: "Q4_0"
        case .q4_1: "Q4_1"
        case .q8_0: "Q8_0"
        case .q4_K: "Q4_K"
        case .q6_K: "Q6_K"
        case .bf16: "BF16"
        }
    }

    /// GGML's name for a type id Quarry does not read, for error messages.
    public static func name(of id: UInt32) -> String {
        if let known = GGMLType(rawValue: id) { return known.description }
        let others: [UInt32: String] = [
            6: "Q5_0", 7: "Q5_1", 9: "Q8_1", 10: "Q2_K", 11: "Q3_K", 13: "Q5_K",
            15: "Q8_K", 16: "IQ2_XXS", 17: "IQ2_XS", 18: "IQ3_XXS", 19: "IQ1_S",
            20: "IQ4_NL", 21: "IQ3_S", 22: "IQ2_S", 23: "IQ4_XS", 24: "I8", 25: "I16",
            26: "I32", 27: "I64", 28: "F64", 29: "IQ1_M", 34: "TQ1_0", 35: "TQ2_0",
        ]
        return others[id] ?? "type \(id)"
    }
}
