import Foundation
import QuarryTestSupport
import Testing

@testable import Models

@Suite struct LanguageTokenizerTests {
    static let tiny: LanguageTokenizer? = try? LanguageTokenizer(gguf: GGUFFile(path: Paths.tinyModel))
    static let smol: LanguageTokenizer? = LLMGolden.smolLM2.flatMap { try? LanguageTokenizer(gguf: GGUFFile(path: $0.path)) }

    /// llama-cpp-python's FNV-1a 64 over every token's piece, each as a 4-byte length then its bytes.
    func fnv(_ pieces: [[UInt8]]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for piece in pieces {
            for b in withUnsafeBytes(of: UInt32(piece.count).littleEndian, Array.init) + piece { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// Every golden tokenisation, decode, vocabulary fact and chat prompt of `golden`.
    func expectMatchesLlamaCpp(_ tokenizer: LanguageTokenizer, _ golden: LLMGolden.Model) throws {
        let v = golden.vocab
        #expect(tokenizer.count == v.n_vocab && tokenizer.bos == v.bos && tokenizer.eos == v.eos && tokenizer.addBOS == v.add_bos)
        #expect((0..<tokenizer.count).filter(tokenizer.isControl) == v.control)
        #expect(tokenizer.endOfGeneration.sorted() == v.eog)
        #expect(fnv((0..<tokenizer.count).map(tokenizer.bytes(of:))) == v.pieces_fnv)
        #expect(fnv(tokenizer.pieces) == v.special_pieces_fnv)
        var matched = 0
        for c in golden.tokenize {
            let ids = tokenizer.encode(c.text, addSpecial: c.add_special, parseSpecial: c.parse_special)
            #expect(ids == c.ids, "\(golden.name): \(c.text.debugDescription) add_special \(c.add_special) parse_special \(c.parse_special)")
            let plain = tokenizer.decodeBytes(c.ids), special = tokenizer.decodeBytes(c.ids, renderSpecial: true)
            #expect(
                c.decoded_hex.map { $0 == hex(plain) } ?? (String(decoding: plain, as: UTF8.self) == c.decoded), "\(golden.name): decode \(c.ids)")
            #expect(
                c.decoded_special_hex.map { $0 == hex(special) } ?? (String(decoding: special, as: UTF8.self) == c.decoded_special),
                "\(golden.name): decode with specials \(c.ids)")
            if ids == c.ids { matched += 1 }
        }
        print("\(golden.name): \(matched) of \(golden.tokenize.count) tokenisations match llama.cpp \(LLMGolden.file?.llama_cpp_python ?? "")")
        #expect(golden.tokenize.count >= 80)
        for c in golden.forward {
            #expect(tokenizer.encode(c.prompt, addSpecial: true, parseSpecial: true) == c.ids, "\(golden.name): \(c.prompt.debugDescription)")
        }
        #expect(golden.chat.count >= 3)
        for c in golden.chat {
            let messages = c.messages.map { ChatMessage(role: $0["role"] ?? "", content: $0["content"] ?? "") }
            #expect(try tokenizer.chatPrompt(messages, addGenerationPrompt: c.add_generation_prompt) == c.prompt, "\(golden.name): \(messages)")
        }
    }

    @Test func tinyModelTokenizesAsLlamaCpp() throws {
        let tokenizer = try #require(Self.tiny)
        try expectMatchesLlamaCpp(tokenizer, try #require(LLMGolden.model("tiny-llama")))
    }

    @Test(.enabled(if: LLMGolden.smolLM2 != nil, TestModels.smolMissing)) func smolLM2TokenizesAsLlamaCpp() throws {
        let tokenizer = try #require(Self.smol)
        try expectMatchesLlamaCpp(tokenizer, try #require(LLMGolden.smolLM2?.golden))
    }

    @Test func sentencePieceBasics() throws {
        let t = try #require(Self.tiny)
        #expect(t.addBOS && t.bos == 1 && t.eos == 2 && !t.addEOS)
        #expect(t.encode("", addSpecial: true, parseSpecial: false) == [1])
        #expect(t.encode("", addSpecial: false, parseSpecial: false) == [])
        // Characters the vocabulary lacks fall back to their UTF-8 bytes, <0xNN> = 6 + byte.
        let ids = t.encode("東", addSpecial: false, parseSpecial: false)
        #expect(ids.suffix(3) == Array("東".utf8).map { 6 + Int($0) })
        #expect(t.decode(ids) == "東")
        // Control tokens only with parseSpecial; the user-defined <sep> always.
        #expect(t.encode("<|im_end|>", addSpecial: false, parseSpecial: true) == [4])
        #expect(t.encode("<|im_end|>", addSpecial: false, parseSpecial: false).count > 1)
        #expect(t.encode("<sep>", addSpecial: false, parseSpecial: false) == [5])
        #expect(t.isControl(4) && !t.isControl(5) && t.bytes(of: 4) == [] && t.bytes(of: 5) == Array("<sep>".utf8))
        #expect(t.bytes(of: 6 + 0x41) == [0x41] && t.bytes(of: 10_000) == [])
        #expect(t.decode([3, 4], renderSpecial: true) == "<|im_start|><|im_end|>" && t.decode([3, 4]) == "")
        #expect(t.isEndOfGeneration(2) && t.isEndOfGeneration(4) && !t.isEndOfGeneration(1))
    }

    @Test func chatTemplatesAreRecognisedOrRefused() throws {
        let tiny = try #require(Self.tiny)
        let messages = [ChatMessage(role: "user", content: "Hi")]
        #expect(
            try tiny.chatPrompt(messages, addGenerationPrompt: true)
                == "<|im_start|>system\nYou are Quarry's tiny test model.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
        #expect(
            try tiny.chatPrompt([ChatMessage(role: "system", content: "S")] + messages, addGenerationPrompt: false)
                == "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n")
        #expect(ChatMLTemplate().render(messages, addGenerationPrompt: false) == "<|im_start|>user\nHi<|im_end|>\n")

        let qwen2 =
            "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\\nYou are a helpful assistant<|im_end|>\\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
        #expect(ChatMLTemplate(template: qwen2)?.defaultSystem == "You are a helpful assistant")
        // A newline after an expression reaches the output: not plain ChatML any more.
        let stray =
            "{% for message in messages %}\n{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}\n{% endfor %}"
        #expect(ChatMLTemplate(template: stray) == nil)
        #expect(ChatMLTemplate(template: stray.replacingOccurrences(of: "}}\n{%", with: "}}{%")) == ChatMLTemplate())
        let llama2 =
            "{% for message in messages %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + message['content'] + ' [/INST]' }}{% else %}{{ message['content'] + eos_token }}{% endif %}{% endfor %}"
        #expect(ChatMLTemplate(template: llama2) == nil)
        let filtered =
            "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] | trim + '<|im_end|>\\n'}}{% endfor %}"
        #expect(ChatMLTemplate(template: filtered) == nil)
    }

    @Test func jinjaWhitespaceRules() {
        #expect(JinjaSegment.parse("a {{ x }} b") == [.text("a "), .expression("x"), .text(" b")])
        #expect(JinjaSegment.parse("{% if a %}\n  x\n{% endif %}\n") == [.statement("if a"), .text("  x\n"), .statement("endif")])
        #expect(JinjaSegment.parse("  {%- if a -%}  \n {{- x -}} ") == [.statement("if a"), .expression("x")])
        #expect(JinjaSegment.parse("line\n    {% if a %}") == [.text("line\n"), .statement("if a")])
        #expect(JinjaSegment.parse("{{ '%}' }}{# c #}") == [.expression("'%}'")])
        #expect(JinjaSegment.parse("{{ 'open") == nil)
        #expect(JinjaTerm.parse("'a\\n' + message['role'] ~ m.x") == [.literal("a\n"), .variable("message.role"), .variable("m.x")])
        #expect(JinjaTerm.parse("x | trim") == nil)
    }

    /// A tokenizer from a hand-made GGUF holding only tokenizer metadata.
    func tokenizer(_ entries: [(String, GGUFFile.Value)]) throws -> LanguageTokenizer {
        var b = GGUFBuilder()
        for (key, value) in entries { b.add(key, value) }
        let path = try b.write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try LanguageTokenizer(gguf: GGUFFile(path: path))
    }

    func strings(_ values: [String]) -> GGUFFile.Value { .array(values.map { .string($0) }) }

    @Test func tokensAreKeyedByBytesNotByCanonicalEquivalence() throws {
        // "▁é" (precomposed) and "▁e" + U+0301 are equal Swift strings but distinct tokens.
        let texts = ["<unk>", "<s>", "</s>", "▁", "é", "e", "\u{301}", "▁é", "▁e", "▁e\u{301}"]
        let t = try tokenizer([
            ("tokenizer.ggml.model", .string("llama")), ("tokenizer.ggml.tokens", strings(texts)),
            ("tokenizer.ggml.scores", .array(texts.indices.map { .float32(-Float($0)) })),
            ("tokenizer.ggml.token_type", .array([2, 3, 3, 1, 1, 1, 1, 1, 1, 1].map { .int32($0) })),
        ])
        #expect(t.encode("é", addSpecial: false, parseSpecial: false) == [7])
        #expect(t.encode("e\u{301}", addSpecial: false, parseSpecial: false) == [9])
        #expect(t.encode("é", addSpecial: true, parseSpecial: false) == [1, 7])
        #expect(t.decode([1, 7]) == " é" && t.decode([7]) == "é")  // the space prefix comes off the first token only
    }

    @Test func bytePairMergesFollowRanks() throws {
        // Byte-level spellings: Ġ is the space. Merges: "a b" before "b c", then "ab c".
        let texts = ["a", "b", "c", "Ġ", "ab", "bc", "abc", "Ġa", "<|end|>"]
        let t = try tokenizer([
            ("tokenizer.ggml.model", .string("gpt2")), ("tokenizer.ggml.pre", .string("gpt-2")),
            ("tokenizer.ggml.tokens", strings(texts)), ("tokenizer.ggml.merges", strings(["a b", "b c", "ab c", "Ġ a"])),
            ("tokenizer.ggml.token_type", .array([1, 1, 1, 1, 1, 1, 1, 1, 3].map { .int32($0) })),
            ("tokenizer.ggml.eos_token_id", .uint32(8)),
        ])
        #expect(t.encode("abc", addSpecial: false, parseSpecial: false) == [6])
        #expect(t.encode("bcab", addSpecial: false, parseSpecial: false) == [5, 4])
        #expect(t.encode(" abc a", addSpecial: false, parseSpecial: false) == [3, 6, 7])  // "a b" outranks "Ġ a"
        #expect(t.encode("cab<|end|>", addSpecial: true, parseSpecial: true) == [2, 4, 8])
        #expect(t.decode([7, 5, 8]) == " abc" && t.decode([7, 5, 8], renderSpecial: true) == " abc<|end|>")
        #expect(t.eos == 8 && t.bos == nil && !t.addBOS && t.isEndOfGeneration(8))
    }

    @Test func unsupportedOrIncompleteVocabulariesAreRefused() throws {
        let tokens: (String, GGUFFile.Value) = ("tokenizer.ggml.tokens", strings(["a", "b"]))
        #expect { try tokenizer([("tokenizer.ggml.model", .string("bert")), tokens]) } throws: {
            "\($0)".contains("tokenizer model bert is not supported")
        }
        #expect {
            try tokenizer([
                ("tokenizer.ggml.model", .string("gpt2")), ("tokenizer.ggml.pre", .string("nonesuch")), tokens,
                ("tokenizer.ggml.merges", strings([])),
            ])
        } throws: { "\($0)".contains("pre-tokenizer nonesuch") }
        #expect { try tokenizer([("tokenizer.ggml.model", .string("gpt2")), ("tokenizer.ggml.pre", .string("qwen2")), tokens]) } throws: {
            "\($0)".contains("no tokenizer.ggml.merges")
        }
        #expect { try tokenizer([("tokenizer.ggml.model", .string("llama"))]) } throws: { "\($0)".contains("no tokenizer.ggml.tokens") }
        #expect { try tokenizer([("tokenizer.ggml.model", .string("llama")), tokens, ("tokenizer.ggml.scores", .array([.float32(1)]))]) } throws: {
            "\($0)".contains("tokenizer.ggml.scores")
        }
        #expect { try tokenizer([tokens]) } throws: { "\($0)".contains("no tokenizer.ggml.model") }
    }
}
