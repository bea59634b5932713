/// The shape of a llama-family model, read from a GGUF file's `<architecture>.*` metadata.
public struct LlamaConfiguration: Sendable, Equatable {
    /// `general.architecture` (llama, or a family with the same layout such as mistral).
    public var architecture: String
    public var layers: Int
    public var embedding: Int
    public var feedForward: Int
    public var heads: Int
    public var kvHeads: Int
    /// Width of one attention head (`embedding / heads` unless the file says otherwise).
    public var headDimension: Int
    /// How many dimensions of each head are rotated (usually all of them).
    public var ropeDimensions: Int
    public var ropeBase: Float
    public var rmsEpsilon: Float
    /// The longest context the model was trained for.
    public var contextLength: Int
    public var vocabularySize: Int

    /// The architectures whose tensors and metadata follow llama's layout.
    public static let supportedArchitectures: Set<String> = ["llama", "mistral"]

    public var kvDimension: Int { kvHeads * headDimension }

    public init(
        architecture: String, layers: Int, embedding: Int, feedForward: Int, heads: Int, kvHeads: Int,
        headDimension: Int, ropeDimensions: Int, ropeBase: Float, rmsEpsilon: Float, contextLength: Int,
        vocabularySize: Int
    ) {
        self.architecture = architecture
        self.layers = layers
        self.embedding = embedding
        self.feedForward = feedForward
        self.heads = heads
        self.kvHeads = kvHeads
        self.headDimension = headDimension
        self.ropeDimensions = ropeDimensions
        self.ropeBase = ropeBase
        self.rmsEpsilon = rmsEpsilon
        self.contextLength = contextLength
        self.vocabularySize = vocabularySize
    }

    /// Reads and checks the configuration; errors name the file and the key.
    public init(gguf: GGUFFile) throws(ModelError) {
        guard let arch = gguf.string("general.architecture") else {
            throw .malformed(path: gguf.path, reason: "general.architecture is missing")
        }
        guard Self.supportedArchitectures.contains(arch) else {
            throw .malformed(
                path: gguf.path,
                reason: "architecture \(arch) is not supported (only \(Self.supportedArchitectures.sorted().joined(separator: ", ")))")
        }
        func required(_ key: String) throws(ModelError) -> Int {
            guard let value = gguf.int("\(arch).\(key)"), value > 0 else {
                throw .malformed(path: gguf.path, reason: "\(arch).\(key) is missing or not a positive integer")
            }
            return value
        }
        let embedding = try required("embedding_length")
        let heads = try required("attention.head_count")
        let kvHeads = gguf.int("\(arch).attention.head_count_kv") ?? heads
        let headDimension = gguf.int("\(arch).attention.key_length") ?? embedding / heads
        let vocabulary = gguf.int("\(arch).vocab_size") ?? gguf.strings("tokenizer.ggml.tokens")?.count ?? 0
        self.init(
            architecture: arch, layers: try required("block_count"), embedding: embedding,
            feedForward: try required("feed_forward_length"), heads: heads, kvHeads: kvHeads,
            headDimension: headDimension,
            ropeDimensions: gguf.int("\(arch).rope.dimension_count") ?? headDimension,
            ropeBase: gguf.float("\(arch).rope.freq_base") ?? 10_000,
            rmsEpsilon: gguf.float("\(arch).attention.layer_norm_rms_epsilon") ?? 1e-5,
            contextLength: gguf.int("\(arch).context_length") ?? 2048,
            vocabularySize: vocabulary)
        guard kvHeads > 0, heads % kvHeads == 0 else {
            throw .malformed(path: gguf.path, reason: "\(heads) attention heads cannot be shared among \(kvHeads) key/value heads")
        }
        guard headDimension % 2 == 0, ropeDimensions <= headDimension, ropeDimensions % 2 == 0 else {
            throw .malformed(path: gguf.path, reason: "rope dimension \(ropeDimensions) does not fit head width \(headDimension)")
        }
        guard vocabularySize > 0 else { throw .malformed(path: gguf.path, reason: "the vocabulary size is unknown") }
    }
}
