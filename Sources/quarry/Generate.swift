import ArgumentParser
import Foundation
import QuarryKit

/// `quarry generate`: run the embedded language model.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate text with the embedded language model (SmolLM2-135M-Instruct by default).",
        discussion: """
            Runs a llama-family GGUF model in-process: the prompt is evaluated in one batch
            (prefill), then tokens are produced one at a time (decode) until the model ends its
            turn, the output is complete, or --max-tokens is reached.

            --prompt is a raw completion prompt, tokenised as llama.cpp does by default for the
            model. --chat wraps it in the model's chat template as one user message (with the
            template's default system message) and generates the assistant's answer.

            --schema FILE (a Quarry schema, JSON or YAML) constrains the output to one JSON
            object with the schema's fields in order: only tokens that keep the text a valid
            prefix of such a document are allowed, so the result always parses and has the
            right types. --ground FILE adds grounded mode: string values must be copied from
            that file's text.

            Greedy decoding is the default (--temperature 0); with a temperature, tokens are
            drawn from the top-k / top-p cut of the softmax, seeded by --seed.

            Examples:
              quarry generate --prompt "The capital of France is" --max-tokens 8
              quarry generate --chat --prompt "Name three colours."
              quarry generate --chat --prompt "$(cat invoice.txt)" --schema Fixtures/schemas/invoice.json --ground invoice.txt
              quarry generate --prompt "Once upon a time" --temperature 0.8 --seed 7 --json

            With --json prints {"text", "tokens", "prompt_tokens", "prefill_tokens_per_second",
            "decode_tokens_per_second", …}. Exit status: 0 success, 1 model error, 2 bad usage.
            """)

    @Option(help: "The prompt text.")
    var prompt: String

    @Flag(help: "Wrap the prompt in the model's chat template as a user message.")
    var chat = false

    @Option(help: ArgumentHelp("A GGUF model file (llama family). Default: the cached SmolLM2-135M-Instruct.", valueName: "path"))
    var model: String?

    @Option(help: "The most tokens to generate.")
    var maxTokens = 128

    @Option(help: "Sampling temperature; 0 is greedy.")
    var temperature = 0.0

    @Option(help: "Sample among the k most likely tokens (0: all).")
    var topK = 40

    @Option(help: "Sample among the most likely tokens whose probability reaches p (1: all).")
    var topP = 0.95

    @Option(help: "Random seed for sampling.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Constrain the output to a JSON row of this schema.", valueName: "file"))
    var schema: String?

    @Option(help: ArgumentHelp("With --schema: string values must be copied from this text file.", valueName: "file"))
    var ground: String?

    @Option(help: "Threads for the model (default: one per core).")
    var threads: Int?

    @Flag(help: "Print one JSON object with the text, tokens and speeds.")
    var json = false

    func validate() throws {
        if maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1") }
        if temperature < 0 { throw ValidationError("--temperature must not be negative") }
        if topK < 0 { throw ValidationError("--top-k must not be negative") }
        if !(topP > 0 && topP <= 1) { throw ValidationError("--top-p must be in (0, 1]") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if ground != nil && schema == nil { throw ValidationError("--ground goes with --schema") }
        for (flag, path) in [("--model", model), ("--schema", schema), ("--ground", ground)] {
            if let path, !FileManager.default.fileExists(atPath: path) { throw ValidationError("\(flag): no such file: \(path)") }
        }
    }

    func run() throws {
        var request = GenerateRequest(prompt: prompt)
        request.chat = chat
        request.modelPath = model
        request.maxTokens = maxTokens
        request.sampling = SamplingOptions(temperature: temperature, topK: topK, topP: topP, seed: seed)
        request.schemaPath = schema
        request.groundPath = ground
        request.threads = threads
        let streaming = !json && Output.stdoutIsTerminal
        let echo: ((String) -> Void)? = streaming ? { text in FileHandle.standardOutput.write(Data(text.utf8)) } : nil
        let result = try LanguageModelRun.generate(request, onText: echo)
        if json { try Output.json(result); return }
        if streaming { print("") } else { print(result.text) }
        Output.message(
            String(
                format: "%d prompt tokens at %.0f tokens/s, %d generated at %.1f tokens/s (%@)",
                result.promptTokens, result.prefillTokensPerSecond, result.tokens,
                result.decodeTokensPerSecond, result.stopReason))
    }
}
