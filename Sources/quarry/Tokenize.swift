import ArgumentParser
import Foundation
import QuarryKit

/// `quarry tokenize`: the language model's token ids for a text.
struct Tokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the language model's tokens for a text.",
        discussion: """
            Tokenises with the tokenizer stored in the GGUF file (byte-level BPE or
            SentencePiece), exactly as llama.cpp does, without a BOS token. Special tokens such
            as <|im_start|> are read as text unless --special is given.

            Examples:
              quarry tokenize "Hello, world"
              quarry tokenize "<|im_start|>user" --special --json
              quarry tokenize "Grüße" --model other.gguf

            With --json prints {"ids": [...], "pieces": [...]}.
            """)

    @Argument(help: "The text.")
    var text: String

    @Option(help: ArgumentHelp("A GGUF model file. Default: the cached SmolLM2-135M-Instruct.", valueName: "path"))
    var model: String?

    @Flag(help: "Read special tokens (<|im_start|>, </s>, …) in the text as themselves.")
    var special = false

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if let model, !FileManager.default.fileExists(atPath: model) { throw ValidationError("--model: no such file: \(model)") }
    }

    func run() throws {
        let report = try LanguageModelRun.tokenize(text, modelPath: model, special: special)
        let (ids, pieces) = (report.ids, report.pieces)
        if json { try Output.json(report); return }
        print(ids.map(String.init).joined(separator: " "))
        Output.message(zip(ids, pieces).map { "\($0)=\(Output.jsonString($1))" }.joined(separator: " "))
    }
}
