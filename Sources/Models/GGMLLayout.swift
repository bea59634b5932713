import Tensors

/// Block layouts of every GGML element type (ids as in GGUF files), including those Quarry cannot
/// read, so that a file's tensor sizes can be checked when it is opened. From gguf-py's
/// `GGML_QUANT_SIZES`.
enum GGMLLayout {
    /// (weights per block, bytes per block) of type `id`, or nil for an id GGML does not define.
    static func of(_ id: UInt32) -> (blockSize: Int, bytesPerBlock: Int)? {
        if let known = GGMLType(rawValue: id) { return (known.blockSize, known.bytesPerBlock) }
        switch id {
        case 6: return (32, 22)  // Q5_0
        case 7: return (32, 24)  // Q5_1
        case 9: return (32, 40)  // Q8_1
        case 10: return (256, 84)  // Q2_K
        case 11: return (256, 110)  // Q3_K
        case 13: return (256, 176)  // Q5_K
        case 15: return (256, 292)  // Q8_K
        case 16: return (256, 66)  // IQ2_XXS
        case 17: return (256, 74)  // IQ2_XS
        case 18: return (256, 98)  // IQ3_XXS
        case 19: return (256, 50)  // IQ1_S
        case 20: return (32, 18)  // IQ4_NL
        case 21: return (256, 110)  // IQ3_S
        case 22: return (256, 82)  // IQ2_S
        case 23: return (256, 136)  // IQ4_XS
        case 24: return (1, 1)  // I8
        case 25: return (1, 2)  // I16
        case 26: return (1, 4)  // I32
        case 27, 28: return (1, 8)  // I64, F64
        case 29: return (256, 56)  // IQ1_M
        case 34: return (256, 54)  // TQ1_0
        case 35: return (256, 66)  // TQ2_0
        case 39: return (32, 17)  // MXFP4
        case 40: return (64, 36)  // NVFP4
        case 41: return (128, 18)  // Q1_0
        default: return nil
        }
    }
}
