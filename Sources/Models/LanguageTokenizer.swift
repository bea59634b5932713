/// The tokenizer of a GGUF language model, built from its metadata, reproducing llama.cpp's
/// `llama_tokenize` and `llama_detokenize`: byte-level BPE (`tokenizer.ggml.model` "gpt2", with
/// the pre-tokenizer `tokenizer.ggml.pre` names) and SentencePiece ("llama": scores, `▁` for
/// spaces, a space prefix, `<0xNN>` byte fallback). Special tokens (control and user-defined)
/// are found in the text first: user-defined ones always, control ones only when asked.
public struct LanguageTokenizer: Sendable {
    enum Model: Sendable {
        case bytePair(BytePairModel, PreTokenizer)
        case sentencePiece(SentencePieceModel)
    }

    let vocabulary: TokenVocabulary
    let model: Model
    let special: SpecialTokens
    /// Each token's text as llama.cpp renders it with special tokens shown (`token_to_piece` cache).
    let pieces: [[UInt8]]
    /// The bytes each token adds to the output text (`bytes(of:)` for every id; empty for control
    /// and unknown tokens), built once: constrained decoding walks it for every token it allows.
    public let tokenBytes: [[UInt8]]
    let addSpacePrefix: Bool
    let cleanSpaces: Bool
    /// `tokenizer.chat_template`, when the model has one.
    public let chatTemplate: String?

    public let bos: Int?
    public let eos: Int
    /// Whether `encode(_:addSpecial: true, …)` starts with `bos`.
    public let addBOS: Bool
    /// Whether `encode(_:addSpecial: true, …)` ends with `eos`.
    public let addEOS: Bool

    /// The number of tokens.
    public var count: Int { vocabulary.count }

    /// Tokens that end generation (end of sequence, end of turn, …).
    public var endOfGeneration: Set<Int> { special.endOfGeneration }

    public init(gguf: GGUFFile) throws(ModelError) {
        guard let kind = gguf.string("tokenizer.ggml.model") else {
            throw .malformed(path: gguf.path, reason: "it has no tokenizer.ggml.model")
        }
        var vocabulary = try TokenVocabulary(gguf: gguf)
        var addBOS: Bool, cleanSpaces: Bool
        let defaults: (bos: Int?, eos: Int?, unknown: Int?)
        switch kind {
        case "llama":
            model = .sentencePiece(SentencePieceModel(vocabulary: vocabulary))
            (addBOS, cleanSpaces, defaults) = (true, false, (1, 2, 0))
        case "gpt2":
            let pre = gguf.string("tokenizer.ggml.pre") ?? "default"
            guard let settings = Self.bytePairSettings[pre] else {
                throw .invalidInput("\(gguf.path): the pre-tokenizer \(pre) (tokenizer.ggml.pre) is not one Quarry implements")
            }
            guard let merges = gguf.rawStrings("tokenizer.ggml.merges") else {
                throw .malformed(path: gguf.path, reason: "it has no tokenizer.ggml.merges string array")
            }
            let bpe = BytePairModel(texts: vocabulary.texts, merges: merges.map { Array($0) }, ignoreMerges: settings.ignoreMerges)
            model = .bytePair(bpe, settings.pre)
            (addBOS, cleanSpaces, defaults) = (settings.addBOS, settings.cleanSpaces, (11, 11, nil))
        default:
            throw .invalidInput("\(gguf.path): tokenizer model \(kind) is not supported (gpt2 and llama are)")
        }
        addSpacePrefix = gguf.bool("tokenizer.ggml.add_space_prefix") ?? (kind == "llama")
        special = SpecialTokens(vocabulary: &vocabulary, gguf: gguf, defaults: defaults)
        guard let eos = special.eos else { throw .malformed(path: gguf.path, reason: "it has no end-of-sequence token") }
        self.eos = eos
        bos = special.bos
        self.addBOS = gguf.bool("tokenizer.ggml.add_bos_token") ?? addBOS
        addEOS = gguf.bool("tokenizer.ggml.add_eos_token") ?? false
        self.cleanSpaces = cleanSpaces
        self.vocabulary = vocabulary
        let pieces = (0..<vocabulary.count).map { Self.piece(of: $0, in: vocabulary, byteLevel: kind == "gpt2") }
        self.pieces = pieces
        tokenBytes = (0..<vocabulary.count).map { id in
            vocabulary.attributes[id].isDisjoint(with: [.control, .unknown]) ? pieces[id] : []
        }
        chatTemplate = gguf.string("tokenizer.chat_template")
    }

    /// Settings of the byte-level pre-tokenizer names llama.cpp knows and Quarry implements.
    static let bytePairSettings: [String: (pre: PreTokenizer, cleanSpaces: Bool, ignoreMerges: Bool, addBOS: Bool)] = {
        var table: [String: (pre: PreTokenizer, cleanSpaces: Bool, ignoreMerges: Bool, addBOS: Bool)] = [:]
        func set(_ names: [String], _ pre: PreTokenizer, clean: Bool, ignoreMerges: Bool = false, bos: Bool = false) {
            for name in names { table[name] = (pre, clean, ignoreMerges, bos) }
        }
        set(["default"], .fallback, clean: true)
        set(
            [
                "gpt2", "gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de", "a.x-4.0", "mellum",
                "modern-bert", "mpt", "olmo", "jais", "exaone4",
            ], .gpt2, clean: true)
        set(["trillion", "granite-docling"], .gpt2, clean: false)
        set(["starcoder", "refact", "codeshell", "exaone", "minerva-7b", "mellum2"], .digitsThenGPT2, clean: true)
        set(["smollm", "command-r"], .digitsThenGPT2, clean: false)
        set(
            ["llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "jina-v5-nano"],
            .llama3, clean: true, ignoreMerges: true, bos: true)
        set(["dbrx", "smaug-bpe"], .llama3, clean: true)
        set(["qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2", "hunyuan", "solar-open", "grok-2"], .qwen2, clean: false)
        set(["stablelm2", "megrez"], .qwen2, clean: true)
        return table
    }()

    /// True for control tokens (`<|im_start|>`, `</s>`, …), which text never spells.
    public func isControl(_ id: Int) -> Bool {
        id >= 0 && id < count && vocabulary.attributes[id].contains(.control)
    }

    /// True for tokens that end generation.
    public func isEndOfGeneration(_ id: Int) -> Bool { special.endOfGeneration.contains(id) }

    /// The text of token `id` as stored in the vocabulary (byte-level or `▁` spelling), for display.
    public func text(of id: Int) -> String {
        guard id >= 0 && id < count else { return "" }
        return String(decoding: vocabulary.texts[id], as: UTF8.self)
    }
}
