/// llama.cpp's token attributes (`llama_token_attr`).
struct TokenAttributes: OptionSet, Sendable {
    let rawValue: UInt16
    static let unknown = TokenAttributes(rawValue: 1 << 0)
    static let unused = TokenAttributes(rawValue: 1 << 1)
    static let normal = TokenAttributes(rawValue: 1 << 2)
    static let control = TokenAttributes(rawValue: 1 << 3)
    static let userDefined = TokenAttributes(rawValue: 1 << 4)
    static let byte = TokenAttributes(rawValue: 1 << 5)
    static let lstrip = TokenAttributes(rawValue: 1 << 7)
    static let rstrip = TokenAttributes(rawValue: 1 << 8)

    /// The attribute of a GGUF `tokenizer.ggml.token_type` value.
    init(tokenType: Int) {
        switch tokenType {
        case 1: self = .normal
        case 2: self = .unknown
        case 3: self = .control
        case 4: self = .userDefined
        case 5: self = .unused
        case 6: self = .byte
        default: self = []  // undefined
        }
    }

    init(rawValue: UInt16) { self.rawValue = rawValue }
}

/// The token texts, scores and attributes of a GGUF vocabulary, with llama.cpp's fix-ups.
struct TokenVocabulary: Sendable {
    /// Each token's text as stored (bytes, not validated as UTF-8); empty ones become `[EMPTY_i]`.
    var texts: [[UInt8]]
    var scores: [Float]
    var attributes: [TokenAttributes]
    /// Text → id; when two tokens share a text the later one wins, as in llama.cpp.
    var literal: ByteStringTable

    var count: Int { texts.count }

    init(gguf: GGUFFile) throws(ModelError) {
        guard let raw = gguf.rawStrings("tokenizer.ggml.tokens"), !raw.isEmpty else {
            throw .malformed(path: gguf.path, reason: "it has no tokenizer.ggml.tokens string array")
        }
        texts = raw.enumerated().map { i, bytes in bytes.isEmpty ? Array("[EMPTY_\(i)]".utf8) : Array(bytes) }
        let n = texts.count
        if gguf.metadata["tokenizer.ggml.scores"] != nil {
            guard let scores = gguf.floats("tokenizer.ggml.scores"), scores.count >= n else {
                throw .malformed(path: gguf.path, reason: "tokenizer.ggml.scores is not an array of at least \(n) numbers")
            }
            self.scores = Array(scores.prefix(n))
        } else {
            scores = [Float](repeating: 0, count: n)
        }
        if gguf.metadata["tokenizer.ggml.token_type"] != nil {
            guard let types = gguf.ints("tokenizer.ggml.token_type"), types.count >= n else {
                throw .malformed(path: gguf.path, reason: "tokenizer.ggml.token_type is not an array of at least \(n) integers")
            }
            attributes = types.prefix(n).map(TokenAttributes.init(tokenType:))
        } else {
            attributes = [TokenAttributes](repeating: .normal, count: n)
        }
        literal = ByteStringTable(capacity: n)
        for (id, text) in texts.enumerated() { literal.insert(text, Int32(id)) }
    }

    /// The id of `text`, when it is a token.
    func id(of text: String) -> Int? { literal.find(Array(text.utf8)).map(Int.init) }

    /// Ids in ascending order whose text is one of `candidates` (each text's winning id only).
    func ids(among candidates: [String]) -> [Int] {
        candidates.compactMap(id(of:)).sorted()
    }
}
