import Testing

@testable import Models

/// The pre-tokenizer scanners on strings where llama.cpp's regular expressions are subtle.
@Suite struct PreTokenizerTests {
    func words(_ pre: PreTokenizer, _ text: String) -> [String] {
        let scalars = text.unicodeScalars.map(\.value)
        return pre.split(scalars).map { range in
            String(String.UnicodeScalarView(scalars[range].compactMap(Unicode.Scalar.init)))
        }
    }

    @Test func gpt2() {
        #expect(words(.gpt2, "Hello world's  123 !!") == ["Hello", " world", "'s", " ", " 123", " !!"])
        #expect(words(.gpt2, "I'LL don't   x") == ["I", "'", "LL", " don", "'t", "  ", " x"])  // contractions are lower-case only
        #expect(words(.gpt2, "a\n\n b  ") == ["a", "\n\n", " b", "  "])  // trailing whitespace stays whole
        #expect(words(.gpt2, "x1y²") == ["x", "1", "y", "²"])  // ² is \p{N}
        #expect(words(.gpt2, "naïve 東京") == ["naïve", " 東京"])
        #expect(words(.gpt2, "e\u{301}") == ["e", "\u{301}"])  // a combining mark is not \p{L}
        #expect(words(.gpt2, "\u{A0}x") == ["\u{A0}", "x"])  // only U+0020 joins a word
        #expect(words(.gpt2, "") == [])
    }

    @Test func digitsThenGPT2() {
        #expect(words(.digitsThenGPT2, "abc 2024, x") == ["abc", " ", "2", "0", "2", "4", ",", " x"])
        #expect(words(.digitsThenGPT2, "٣٤ ½") == ["٣", "٤", " ", "½"])
    }

    @Test func llama3() {
        #expect(words(.llama3, "I'LL 1234567 ok") == ["I", "'LL", " ", "123", "456", "7", " ok"])
        #expect(words(.llama3, "(hello) x\n\n  y") == ["(hello", ")", " x", "\n\n", " ", " y"])
        #expect(words(.llama3, "a  \n b") == ["a", "  \n", " b"])  // \s*[\r\n]+
        #expect(words(.llama3, "?!\n\nx") == ["?!\n\n", "x"])  // punctuation takes trailing newlines
        #expect(words(.llama3, "   ") == ["   "])
        #expect(words(.llama3, " ") == [" "])
    }

    @Test func qwen2() {
        #expect(words(.qwen2, "x 1234 y") == ["x", " ", "1", "2", "3", "4", " y"])
        #expect(words(.qwen2, "It's") == ["It", "'s"])
    }

    @Test func fallback() {
        // Punctuation runs first, then GPT-2, then digit runs, then groups of three digits.
        #expect(words(.fallback, "a+b=12345!") == ["a", "+", "b", "=", "123", "45", "!"])
        #expect(words(.fallback, "x `y`") == ["x", " `", "y", "`"])  // ` is not in the first class
    }

    @Test func unicodeFlagsFollowLlamaCpp() {
        #expect(UnicodeFlags(0x41).contains(.letter) && UnicodeFlags(0x30).contains(.number))
        #expect(UnicodeFlags(0x20).contains(.whitespace) && UnicodeFlags(0x20).contains(.separator))
        #expect(UnicodeFlags(0x3000).contains(.whitespace) && !UnicodeFlags(0x200B).contains(.whitespace))
        #expect(UnicodeFlags(0x4E2D).contains(.letter) && UnicodeFlags(0x1F600).contains(.symbol))
        #expect(UnicodeFlags(0x0301).contains(.mark) && UnicodeFlags(0xE000).contains(.control))
        #expect(UnicodeFlags(0x31350).contains(.letter) && UnicodeFlags(0x10FFFF) == .undefined)
        #expect(UnicodeFlags(0x110000) == .undefined)
    }
}
