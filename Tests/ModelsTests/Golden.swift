import Foundation
import QuarryTestSupport
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
}

/// `llm.json`, made by `scripts/reference/make_llm_golden.py` from llama.cpp (llama-cpp-python)
/// and gguf-py, for the tiny test model and SmolLM2.
enum LLMGolden {
    /// A JSON scalar of any type.
    enum Scalar: Decodable, Equatable {
        case bool(Bool), int(Int), double(Double), string(String)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) {
                self = .bool(b)
            } else if let i = try? c.decode(Int.self) {
                self = .int(i)
            } else if let d = try? c.decode(Double.self) {
                self = .double(d)
            } else {
                self = .string(try c.decode(String.self))
            }
        }
    }
    struct TypedValue: Decodable { let type: String; let value: Scalar }
    struct ArrayView: Decodable { let type: String; let count: Int; let head: [Scalar]; let tail: [Scalar] }
    struct TensorView: Decodable { let name: String; let dims: [Int]; let type: UInt32; let offset: Int; let bytes: Int }
    struct GGUFView: Decodable {
        let version: Int; let tensor_count: Int; let kv_count: Int; let alignment: Int; let data_offset: Int
        let scalars: [String: TypedValue]; let arrays: [String: ArrayView]; let tensors: [TensorView]
    }
    struct Vocab: Decodable {
        let n_vocab: Int; let bos: Int; let eos: Int; let add_bos: Bool; let control: [Int]; let eog: [Int]
        let pieces_fnv: String; let special_pieces_fnv: String
    }
    struct TokenizeCase: Decodable {
        let text: String; let add_special: Bool; let parse_special: Bool; let ids: [Int]
        let decoded: String; let decoded_hex: String?; let decoded_special: String; let decoded_special_hex: String?
    }
    struct ChatCase: Decodable { let messages: [[String: String]]; let add_generation_prompt: Bool; let prompt: String }
    /// Logits of some token ids.
    struct Logits: Decodable { let ids: [Int]; let logits: [Float] }
    struct ForwardCase: Decodable {
        let prompt: String; let ids: [Int]; let greedy: [Int]
        let last_top: Logits; let last_random: Logits
        /// Every prompt position's logits (first tiny-model prompt only).
        let all_logits: [[Float]]?
    }
    struct Model: Decodable {
        let name: String; let file: String; let sha256: String; let gguf: GGUFView; let vocab: Vocab
        let tokenize: [TokenizeCase]; let chat: [ChatCase]; let forward: [ForwardCase]
    }
    struct File: Decodable { let llama_cpp_python: String; let models: [Model] }

    static let file: File? = try? Golden.load("llm", as: File.self)
    static func model(_ name: String) -> Model? { file?.models.first { $0.name == name } }

    /// SmolLM2 from the models cache with its golden entry, or nil (tests then skip).
    static let smolLM2: (path: String, golden: Model)? = {
        guard let path = TestModels.smolLM2Path, let golden = model("SmolLM2-135M-Instruct") else { return nil }
        return (path, golden)
    }()
}
