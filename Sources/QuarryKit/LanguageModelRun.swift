import ConstrainedDecoding
import Foundation
import Models
import Schema
import Tensors

/// What `generate` is asked: a prompt, how to sample, and an optional schema to constrain the output to.
public struct GenerateRequest: Sendable {
    public var prompt: String
    /// Wrap the prompt in the model's chat template as one user message.
    public var chat = false
    /// A GGUF file; nil for the cached SmolLM2-135M-Instruct.
    public var modelPath: String?
    public var maxTokens = 128
    public var sampling = SamplingOptions.greedy
    /// Constrain the output to one JSON row of this schema.
    public var schemaPath: String?
    /// With `schemaPath`: string values must be copied from this text file.
    public var groundPath: String?
    /// Threads for the model; nil for one per core.
    public var threads: Int?

    public init(prompt: String) { self.prompt = prompt }
}

/// What a generation produced and how fast.
public struct GenerateReport: Sendable, Encodable {
    public let text: String
    public let tokens: Int
    /// The generated token ids.
    public let ids: [Int]
    public let promptTokens: Int
    public let prefillTokensPerSecond: Double
    public let decodeTokensPerSecond: Double
    public let prefillSeconds: Double
    public let decodeSeconds: Double
    public let constraintMillisecondsPerToken: Double
    public let logProbability: Double
    public let stopReason: String
    public let model: String
    public let threads: Int
    public let peakRssMib: Double
}

/// A text's tokens under a language model's tokenizer, as llama.cpp gives them.
public struct TokenizeReport: Sendable, Encodable {
    public let ids: [Int]
    /// Each token's text, special tokens shown.
    public let pieces: [String]
}

/// The embedded language model run directly: generation and tokenisation.
public enum LanguageModelRun {
    /// Generates text for the request; `onText` receives each piece as it is decoded.
    public static func generate(_ request: GenerateRequest, onText: ((String) -> Void)? = nil) throws(QuarryError) -> GenerateReport {
        if let threads = request.threads { BLASRuntime.setThreads(threads) }
        let pool = request.threads.map { ComputePool(threads: $0) } ?? .shared
        do {
            let lm = try LanguageModel(path: request.modelPath, pool: pool)
            let tokens = request.chat ? try lm.chatTokens([ChatMessage(role: "user", content: request.prompt)]) : lm.promptTokens(request.prompt)
            var constraint: JSONConstraint?
            if let schemaPath = request.schemaPath {
                let schema: Schema
                do { schema = try Schema.load(schemaPath) } catch { throw QuarryError.schema(error) }
                let grounding = try request.groundPath.map { path throws(QuarryError) in
                    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                        throw .invalidOption(name: "ground", message: "\(path) is not readable UTF-8 text")
                    }
                    return GroundingText(text)
                }
                constraint = JSONConstraint(
                    schema: schema, vocabulary: ConstraintVocabulary(model: lm), endOfSequence: lm.tokenizer.eos,
                    grounding: grounding)
            }
            let result = try lm.generate(
                prompt: tokens, in: lm.session(), maxTokens: request.maxTokens, sampling: request.sampling,
                constraint: constraint, onText: onText)
            return GenerateReport(
                text: result.text, tokens: result.tokens.count, ids: result.tokens, promptTokens: result.promptTokens,
                prefillTokensPerSecond: result.prefillTokensPerSecond, decodeTokensPerSecond: result.decodeTokensPerSecond,
                prefillSeconds: result.prefillSeconds, decodeSeconds: result.decodeSeconds,
                constraintMillisecondsPerToken: result.tokens.isEmpty ? 0 : result.constraintSeconds * 1000 / Double(result.tokens.count),
                logProbability: result.logProbability, stopReason: result.stopReason.rawValue, model: lm.path,
                threads: pool.threads, peakRssMib: ProcessMemory.peakResidentMiB)
        } catch let error as ModelError {
            throw .model(error)
        } catch let error as QuarryError {
            throw error
        } catch {
            throw .model(.invalidInput("\(error)"))
        }
    }

    /// The ids and pieces of `text` under the tokenizer of a GGUF file (nil: the cached default
    /// model), without a BOS token; with `special`, special tokens in the text are read as themselves.
    public static func tokenize(_ text: String, modelPath: String? = nil, special: Bool = false) throws(QuarryError) -> TokenizeReport {
        let tokenizer: LanguageTokenizer
        do { tokenizer = try LanguageTokenizer(gguf: try GGUFFile(path: try modelPath ?? LanguageModel.defaultPath())) } catch {
            throw .model(error as? ModelError ?? .invalidInput("\(error)"))
        }
        let ids = tokenizer.encode(text, addSpecial: false, parseSpecial: special)
        return TokenizeReport(ids: ids, pieces: ids.map { tokenizer.decode([$0], renderSpecial: true) })
    }
}

/// The sentence encoder run directly: vectors for texts.
public enum SentenceEmbedding {
    /// One embedded text: its token count (with the two special tokens) and its unit vector.
    public struct Item: Sendable, Encodable {
        public let text: String
        public let tokens: Int
        public let vector: [Float]
    }

    /// The vectors of `texts`, in order, with the installed all-MiniLM-L6-v2.
    public static func embed(_ texts: [String], batchSize: Int = 32, threads: Int? = nil) throws(QuarryError) -> [Item] {
        if let threads { BLASRuntime.setThreads(threads) }
        let encoder = try Workspace.encoder()
        let vectors = encoder.encode(texts, batchSize: batchSize)
        return texts.enumerated().map { i, text in
            Item(text: text, tokens: min(encoder.tokenCount(text), encoder.textTokenLimit) + 2, vector: vectors.row(i))
        }
    }
}

extension SentenceEmbedding {
    /// What embedding a file of texts wrote.
    public struct FileReport: Sendable, Encodable {
        public let texts: Int
        /// Tokens read, with the two special tokens of each text.
        public let tokens: Int
        public let output: String?
    }

    /// Embeds the texts of a JSON Lines file (one JSON string per line; blank lines skipped) and
    /// writes their vectors to `output`, if given, as little-endian float32 rows in order.
    public static func embedFile(_ input: String, output: String?, batchSize: Int = 32, threads: Int? = nil) throws(QuarryError) -> FileReport {
        let texts = try readTexts(input)
        if let threads { BLASRuntime.setThreads(threads) }
        let encoder = try Workspace.encoder()
        let ids = texts.map { encoder.tokenizer.encode($0, maxLength: encoder.maxTokens) }
        let vectors = encoder.encode(ids: ids, batchSize: batchSize)
        if let output {
            let bytes = vectors.values.withUnsafeBufferPointer { Data(buffer: $0) }
            guard FileManager.default.createFile(atPath: output, contents: bytes) else {
                throw .invalidOption(name: "output", message: "cannot write \(output)")
            }
        }
        return FileReport(texts: texts.count, tokens: ids.reduce(0) { $0 + $1.count }, output: output)
    }

    /// The texts of a JSON Lines file of strings; a line that is not one names the file and line.
    public static func readTexts(_ path: String) throws(QuarryError) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw .noSuchPath(path) }
        var texts: [String] = []
        for (i, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            guard let text = try? JSONDecoder().decode(String.self, from: Data(line)) else {
                throw .invalidOption(name: "input", message: "\(path):\(i + 1): expected a JSON string")
            }
            texts.append(text)
        }
        return texts
    }
}

/// This process's memory use.
public enum ProcessMemory {
    /// The peak resident memory so far, in MiB.
    public static var peakResidentMiB: Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
