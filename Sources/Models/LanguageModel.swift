import Foundation
import Tensors

/// A GGUF language model ready to generate: the llama-family network and its tokenizer, loaded
/// from one file. The default is SmolLM2-135M-Instruct from the models cache.
public final class LanguageModel: @unchecked Sendable {
    public let network: LlamaModel
    public let tokenizer: LanguageTokenizer
    public var path: String { network.path }
    /// Tokens that end a generation: end-of-sequence, end-of-turn and the like, as llama.cpp lists them.
    public let stopTokens: Set<Int>

    /// The default model's cache folder name and file.
    public static let defaultName = "SmolLM2-135M-Instruct"
    public static let defaultFile = "SmolLM2-135M-Instruct.Q4_1.gguf"

    /// The default model's path in the cache, or `.missing` with the setup advice.
    public static func defaultPath() throws(ModelError) -> String {
        try ModelCache.file(defaultFile, of: defaultName)
    }

    /// Loads the GGUF file at `path` (default: the cached default model).
    public init(path: String? = nil, pool: ComputePool = .shared) throws(ModelError) {
        let resolved: String
        if let path { resolved = path } else { resolved = try Self.defaultPath() }
        let file = try GGUFFile(path: resolved)
        network = try LlamaModel(gguf: file, pool: pool)
        tokenizer = try LanguageTokenizer(gguf: file)
        guard tokenizer.count >= network.configuration.vocabularySize else {
            throw .malformed(
                path: file.path, reason: "the tokenizer has \(tokenizer.count) tokens but the model \(network.configuration.vocabularySize)")
        }
        stopTokens = tokenizer.endOfGeneration.union([tokenizer.eos])
    }

    /// A fresh session (empty cache) on this model.
    public func session(capacity: Int? = nil) -> LlamaSession { LlamaSession(model: network, capacity: capacity) }

    /// The tokens of a raw completion prompt, the way llama.cpp tokenises one by default
    /// (BOS when the model asks for it, special tokens not parsed).
    public func promptTokens(_ text: String) -> [Int] {
        tokenizer.encode(text, addSpecial: true, parseSpecial: false)
    }

    /// The tokens of a one-turn chat in the model's template, ready for the assistant's answer.
    public func chatTokens(_ messages: [ChatMessage]) throws(ModelError) -> [Int] {
        tokenizer.encode(try tokenizer.chatPrompt(messages, addGenerationPrompt: true), addSpecial: true, parseSpecial: true)
    }
}
