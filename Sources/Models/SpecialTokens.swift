/// The special tokens of a vocabulary as llama.cpp's `llama_vocab::impl::load` settles them: ids
/// from metadata (or the model type's defaults), end-of-turn and fill-in-the-middle tokens found
/// by their text, the end-of-generation set, and the attribute fix-ups that come with them.
struct SpecialTokens: Sendable {
    var bos: Int?
    var eos: Int?
    var unknown: Int?
    var endOfTurn: Int?
    /// Tokens that end generation.
    var endOfGeneration: Set<Int> = []
    /// Control, user-defined and unknown tokens, longest text first: the order llama.cpp matches them in text.
    var matchOrder: [Int] = []

    // Texts llama.cpp recognises (llama-vocab.cpp).
    static let endOfTurnTexts = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>",
        "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>",
    ]
    static let fillInTheMiddleTexts: [(key: String, texts: [String])] = [
        ("fim_pre", ["<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>"]),
        ("fim_suf", ["<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>"]),
        ("fim_mid", ["<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>"]),
        ("fim_pad", ["<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"]),
        ("fim_rep", ["<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"]),
        ("fim_sep", ["<|file_sep|>"]),
    ]
    static let endOfGenerationTexts = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>",
        "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]",
        "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
        "<｜end▁of▁sentence｜>", "[e~[",
    ]

    /// Settles the special tokens of `vocabulary` (whose attributes it fixes up).
    /// `defaults` are the model type's bos, eos and unknown ids.
    init(vocabulary v: inout TokenVocabulary, gguf: GGUFFile, defaults: (bos: Int?, eos: Int?, unknown: Int?)) {
        let n = v.count
        func inRange(_ id: Int?) -> Int? { id.flatMap { $0 >= 0 && $0 < n ? $0 : nil } }
        func metadataID(_ name: String, _ fallback: Int?) -> Int? {
            guard let id = gguf.int("tokenizer.ggml.\(name)_token_id"), id >= 0, id < n else { return fallback }
            return id
        }
        bos = metadataID("bos", inRange(defaults.bos))
        eos = metadataID("eos", inRange(defaults.eos))
        unknown = metadataID("unknown", inRange(defaults.unknown))
        endOfTurn = metadataID("eot", nil)
        var endOfMessage = metadataID("eom", nil)
        var fim: [String: Int] = [:]
        for (key, _) in Self.fillInTheMiddleTexts { fim[key] = metadataID(key, nil) }
        for (legacy, key) in [("prefix", "fim_pre"), ("suffix", "fim_suf"), ("middle", "fim_mid")] {
            if let id = metadataID(legacy, nil) { fim[key] = id }
        }

        // Found by text when the metadata does not name them; they become control tokens.
        func find(_ texts: [String]) -> Int? {
            guard let id = v.ids(among: texts).first else { return nil }
            v.attributes[id].insert(.control)
            return id
        }
        if endOfTurn == nil { endOfTurn = find(Self.endOfTurnTexts) }
        if endOfMessage == nil { endOfMessage = find(["<|eom_id|>"]) }
        for (key, texts) in Self.fillInTheMiddleTexts where fim[key] == nil { fim[key] = find(texts) }

        for id in 0..<n where v.attributes[id].contains(.control) && v.texts[id].contains(subsequence: Array("unused".utf8)) {
            v.attributes[id].insert(.unused)
        }

        for key in ["fim_pad", "fim_rep", "fim_sep"] { if let id = fim[key] { endOfGeneration.insert(id) } }
        for id in v.ids(among: Self.endOfGenerationTexts) {
            endOfGeneration.insert(id)
            v.attributes[id].insert(.control)
        }
        for id in v.ids(among: ["<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"]) { v.attributes[id] = .userDefined }
        for id in [eos, endOfTurn, endOfMessage].compactMap({ $0 }) { endOfGeneration.insert(id) }
        let eogTexts = Set(endOfGeneration.map { String(decoding: v.texts[$0], as: UTF8.self) })
        if let end = v.id(of: "<|end|>"), endOfGeneration.contains(end),
            eogTexts.contains("<|call|>") || eogTexts.contains("<|calls|>"), eogTexts.contains("<|return|>") || eogTexts.contains("<|flush|>")
        {
            endOfGeneration.remove(end)
            v.attributes[end] = .userDefined
        }
        if let s = v.id(of: "</s>"), endOfGeneration.contains(s), eogTexts.contains("<|tool_response>") || eogTexts.contains("<|plamo:eos|>") {
            endOfGeneration.remove(s)
            v.attributes[s] = .normal
        }

        matchOrder = (0..<n).filter { !v.attributes[$0].isDisjoint(with: [.control, .userDefined, .unknown]) }
        matchOrder.sort { v.texts[$0].count > v.texts[$1].count || (v.texts[$0].count == v.texts[$1].count && $0 < $1) }

        // Per-model strip attributes (llama.cpp sets them by model name).
        let name = (gguf.string("general.name") ?? "").lowercased()
        let pre = gguf.string("tokenizer.ggml.pre") ?? ""
        let architecture = gguf.string("general.architecture") ?? ""
        if ["jina-v2-de", "jina-v2-es", "jina-v2-code"].contains(where: pre.contains)
            || ["nomic-bert-moe", "jina-bert-v3"].contains(where: architecture.contains)
        {
            if let mask = v.id(of: "<mask>") { v.attributes[mask].insert(.lstrip) }
        } else if name.contains("phi-3") || name.contains("phi3") {
            for id in matchOrder { v.attributes[id].insert(.rstrip) }
            if let id = v.id(of: "</s>") { v.attributes[id].insert(.rstrip) }
            for text in ["<unk>", "<s>", "<|endoftext|>"] { if let id = v.id(of: text) { v.attributes[id].remove(.rstrip) } }
        } else if name.contains("modern-bert") {
            if let mask = v.id(of: "[MASK]") { v.attributes[mask].insert(.lstrip) }
        }
    }
}

extension Array where Element == UInt8 {
    /// True when `needle` occurs in the array.
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        for start in 0...(count - needle.count) where self[start] == needle[0] && self[start..<(start + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }
}
