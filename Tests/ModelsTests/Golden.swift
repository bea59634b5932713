import Foundation
import Testing
@testable import Models

/// Reference files made by `scripts/reference/make_encoder_golden.py` from the Python
/// implementations (Hugging Face tokenizers, sentence-transformers on PyTorch).
enum Golden {
    struct TokenizerCase: Decodable { let text: String; let ids: [Int32] }
    struct EncoderCase: Decodable { let text: String; let ids: [Int32]; let vector: [Float] }
    struct EncoderFile: Decodable { let model: String; let max_seq_length: Int; let cases: [EncoderCase] }

    static func load<T: Decodable>(_ name: String, as: T.Type) throws -> T {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Golden") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }

    /// The default language model's file, or nil (tests then skip) when it is not in the cache.
    static let smolLM2Path: String? = {
        let path = (ModelCache.directory(of: "SmolLM2-135M-Instruct") as NSString).appendingPathComponent("SmolLM2-135M-Instruct.Q4_1.gguf")
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }()
    static var smolLM2Missing: Comment { "SmolLM2-135M-Instruct.Q4_1.gguf is not in \(ModelCache.root)/SmolLM2-135M-Instruct: run bash scripts/setup.sh" }

    /// The installed encoder, or nil (tests then skip) when the model is not in the cache.
    static let encoder: SentenceEncoder? = try? SentenceEncoder()
    static var modelMissing: Comment { "the model \(SentenceEncoder.defaultModel) is not in \(ModelCache.root): run bash scripts/setup.sh" }
}
