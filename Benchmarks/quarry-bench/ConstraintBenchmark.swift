// quarry-bench constraint --vocabulary FILE
//
// Times `restrict` + `accept` per token of the JSON constraint on a real vocabulary. FILE is a
// JSON file holding one entry per token id: its bytes as an array of numbers, or null for control
// tokens (e.g. SmolLM2's 49,152 tokens). Prints the figures; asserts no time. Run with
//
//   swift run quarry-bench constraint --vocabulary /path/to/vocabulary.json
//
// in the debug configuration: it reads internals of ConstrainedDecoding (whether masks are cached,
// the trie sizes) through `@testable import`, which only a debug build allows; ConstrainedDecoding
// and Schema are compiled optimised in every configuration, so the figures are those of release
// code. (It was the test JSONConstraintBenchmark.timePerToken, run when QUARRY_VOCAB_JSON was set.)
import Foundation

#if !DEBUG
    func constraintBenchmark(_ arguments: [String]) throws {
        throw BenchError(
            "it reads internals of ConstrainedDecoding (@testable import): build it in debug, swift run quarry-bench constraint --vocabulary FILE")
    }
#else
    import Models
    @testable import ConstrainedDecoding
    @testable import Schema

    func constraintBenchmark(_ arguments: [String]) throws {
        let file = try value(of: "--vocabulary", in: arguments)
        let fixtures = repository.appendingPathComponent("Fixtures")
        let loadStart = Date()
        let tokens = try ConstraintBenchmark.loadVocabulary(file)
        let vocabularyStart = Date()
        let vocabulary = ConstraintVocabulary(tokens: tokens)
        let built = Date()
        let eos = tokens.firstIndex { $0 == nil } ?? tokens.count - 1
        let document = try String(contentsOf: fixtures.appendingPathComponent("documents/invoice-nightjar-studio-nj-2024-007.md"), encoding: .utf8)
        let grounding = GroundingText(document)
        let closing = tokens.map { $0?.contains { [0x22, 0x2C, 0x2E, 0x40, 0x5D, 0x7D].contains($0) } ?? false }
        print(
            "vocabulary: \(tokens.count) tokens, read in \(ms(vocabularyStart.timeIntervalSince(loadStart))), prepared in \(ms(built.timeIntervalSince(vocabularyStart))); special \(vocabulary.specialTrie.tokenIds.count), trie nodes \(vocabulary.fullTrie.nodeCount); grounding \(document.utf8.count) bytes in \(ms(Date().timeIntervalSince(built)))"
        )
        // A large document to ground in: the README.
        let readme = try String(contentsOf: repository.appendingPathComponent("README.md"), encoding: .utf8)
        let largeStart = Date()
        let large = GroundingText(readme)
        print("grounding \(readme.utf8.count) bytes (README.md) in \(ms(Date().timeIntervalSince(largeStart)))")
        ConstraintBenchmark.timeStates(vocabulary: vocabulary, eos: eos, grounding: grounding, large: large)
        let schemas = [
            ("invoice+list+enum", try Schema.parse(ConstraintBenchmark.invoiceSchema)),
            ("fixture invoice", try Schema.load(fixtures.appendingPathComponent("schemas/invoice.json").path)),
        ]
        var deadEnds = 0
        for (name, schema) in schemas {
            for (grounded, document) in [(false, grounding), (true, grounding), (true, large)] {
                for cached in [true, false] {
                    var g = SeededGenerator(seed: 42)
                    var times: [Double] = []
                    var walks = 0
                    while times.count < (cached ? 20_000 : 4_000) {
                        var c = JSONConstraint(schema: schema, vocabulary: vocabulary, endOfSequence: eos, grounding: grounded ? document : nil)
                        c.cachesMasks = cached
                        let walk = ConstraintBenchmark.walk(&c, &g, vocabulary: vocabulary, closing: closing, eos: eos)
                        times += walk.times
                        if walk.deadEnd { deadEnds += 1 }
                        walks += 1
                    }
                    times.sort()
                    let mean = times.reduce(0, +) / Double(times.count)
                    print(
                        String(
                            format: "%@, %@, %@: %d walks, %d tokens, mean %.1f µs, p50 %.1f µs, p99 %.1f µs, max %.0f µs per token",
                            name, grounded ? "grounded in \(document.text.utf8.count) bytes" : "free", cached ? "cached" : "uncached", walks,
                            times.count,
                            mean, times[times.count / 2], times[times.count * 99 / 100], times[times.count - 1]))
                }
            }
        }
        // The constraint must always allow some token: a dead end is a bug, not a timing.
        if deadEnds > 0 { throw BenchError("\(deadEnds) walks reached a dead end (no token allowed)") }
    }

    enum ConstraintBenchmark {
        /// The fixture invoice schema plus an enum and a list, so that every kind of value occurs.
        static let invoiceSchema = """
            {"type": "object", "properties": {
              "vendor": {"type": "string"}, "vendor_address": {"type": "string"}, "customer": {"type": "string"},
              "invoice_number": {"type": "string"}, "invoice_date": {"type": "string", "format": "date"},
              "due_date": {"type": "string", "format": "date"}, "currency": {"type": "string", "enum": ["EUR", "USD", "GBP"]},
              "subtotal": {"type": "number", "minimum": 0}, "tax": {"type": "number", "minimum": 0},
              "total": {"type": "number", "minimum": 0}, "paid": {"type": "boolean"},
              "email": {"type": "string", "format": "email"}, "iban": {"type": "string", "pattern": "^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$"},
              "references": {"type": "array", "items": {"type": "string"}, "maxItems": 4},
              "line_items": {"type": "array", "items": {"type": "object", "properties": {
                "description": {"type": "string"}, "quantity": {"type": "number", "minimum": 0},
                "unit_price": {"type": "number"}, "amount": {"type": "number"}}, "required": ["description"]}}},
             "required": ["vendor", "total"]}
            """

        /// One walk that picks uniformly among the allowed tokens, except that with probability 0.2 it
        /// picks among those that hold `"`, `,`, `]`, `}`, `.` or `@` (so strings, emails included,
        /// end after a few tokens, as a model's would). Returns the µs spent in `restrict` + `accept`
        /// per token, and whether the walk stopped at a dead end (no token allowed, reported on stderr).
        static func walk(_ c: inout JSONConstraint, _ g: inout SeededGenerator, vocabulary: ConstraintVocabulary, closing: [Bool], eos: Int) -> (
            times: [Double], deadEnd: Bool
        ) {
            var mask = [Bool](repeating: true, count: vocabulary.count)
            var times: [Double] = []
            for _ in 0..<3000 {
                mask.withUnsafeMutableBufferPointer { $0.update(repeating: true) }
                let t0 = DispatchTime.now().uptimeNanoseconds
                c.restrict(&mask)
                let t1 = DispatchTime.now().uptimeNanoseconds
                var ids: [Int] = []
                var closers: [Int] = []
                mask.withUnsafeBufferPointer { m in
                    closing.withUnsafeBufferPointer { k in
                        for i in 0..<m.count where m[i] {
                            ids.append(i)
                            if k[i] { closers.append(i) }
                        }
                    }
                }
                guard !ids.isEmpty else {
                    FileHandle.standardError.write(Data("dead end at \(c.text)\n".utf8))
                    return (times, true)
                }
                let pool = !closers.isEmpty && g.unit() < 0.2 ? closers : ids
                let chosen = pool[Int.random(in: 0..<pool.count, using: &g)]
                let t2 = DispatchTime.now().uptimeNanoseconds
                c.accept(chosen)
                let t3 = DispatchTime.now().uptimeNanoseconds
                times.append(Double(t1 - t0 + t3 - t2) / 1000)
                if chosen == eos { break }
            }
            return (times, false)
        }

        /// The uncached mask cost of chosen states (best of several runs, so preemption by other
        /// processes does not count).
        static func timeStates(vocabulary: ConstraintVocabulary, eos: Int, grounding: GroundingText, large: GroundingText) {
            guard let schema = try? Schema.parse(invoiceSchema) else { return }
            let cases: [(String, String, Bool)] = [
                ("value start", "{\"vendor\": ", false), ("string start", "{\"vendor\": \"", false),
                ("inside free text", "{\"vendor\": \"Acme", false), ("after a space", "{\"vendor\": \"Acme ", false),
                ("after a backslash", "{\"vendor\": \"Acme\\", false), ("inside \\u", "{\"vendor\": \"Acme\\u00", false),
                ("split character", "{\"vendor\": \"Acme\u{FFFF}", false), ("key literal", "{\"vendor\": \"A\", \"vendor_add", false),
                (
                    "date", "{\"vendor\": \"A\", \"vendor_address\": null, \"customer\": null, \"invoice_number\": null, \"invoice_date\": \"2024-0",
                    false
                ),
                (
                    "email start",
                    "{\"vendor\": \"A\", \"vendor_address\": null, \"customer\": null, \"invoice_number\": null, \"invoice_date\": null, \"due_date\": null, \"currency\": null, \"subtotal\": null, \"tax\": null, \"total\": 1, \"paid\": null, \"email\": \"",
                    false
                ),
                (
                    "email after @",
                    "{\"vendor\": \"A\", \"vendor_address\": null, \"customer\": null, \"invoice_number\": null, \"invoice_date\": null, \"due_date\": null, \"currency\": null, \"subtotal\": null, \"tax\": null, \"total\": 1, \"paid\": null, \"email\": \"ann@",
                    false
                ),
                (
                    "IBAN pattern",
                    "{\"vendor\": \"A\", \"vendor_address\": null, \"customer\": null, \"invoice_number\": null, \"invoice_date\": null, \"due_date\": null, \"currency\": null, \"subtotal\": null, \"tax\": null, \"total\": 1, \"paid\": null, \"email\": null, \"iban\": \"IE29",
                    false
                ),
                (
                    "enum start",
                    "{\"vendor\": \"A\", \"vendor_address\": null, \"customer\": null, \"invoice_number\": null, \"invoice_date\": null, \"due_date\": null, \"currency\": \"",
                    false
                ),
                ("grounded string start", "{\"vendor\": \"", true), ("grounded, one letter", "{\"vendor\": \"N", true),
                ("grounded, a word", "{\"vendor\": \"Nightjar", true), ("grounded, after a space", "{\"vendor\": \"Nightjar ", true),
                ("grounded, after a backslash", "{\"vendor\": \"Nightjar\\", true),
                ("grounded string start, README", "{\"vendor\": \"", true),
            ]
            var byteToken = [Int](repeating: 0, count: 256)
            for (id, bytes) in vocabulary.tokens.enumerated() where bytes?.count == 1 { byteToken[Int(bytes?[0] ?? 0)] = id }
            for (name, prefix, grounded) in cases {
                let document = name.hasSuffix("README") ? large : grounding
                var c = JSONConstraint(schema: schema, vocabulary: vocabulary, endOfSequence: eos, grounding: grounded ? document : nil)
                c.cachesMasks = false
                // U+FFFF stands for a lone lead byte (E2, the start of "€").
                for b in prefix.utf8 { c.accept(byteToken[b == 0xEF ? 0xE2 : Int(b)]); if b == 0xEF { break } }
                guard c.rejectedTokens == 0 else { print("\(name): prefix rejected"); continue }
                var mask = [Bool](repeating: true, count: vocabulary.count)
                var best = UInt64.max
                for _ in 0..<20 {
                    mask.withUnsafeMutableBufferPointer { $0.update(repeating: true) }
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    c.restrict(&mask)
                    best = min(best, DispatchTime.now().uptimeNanoseconds - t0)
                }
                // (Foundation on Linux ignores a width given to %@: the name is padded here.)
                print(
                    String(
                        format: "  %@ %7.1f µs, %5d tokens allowed", name.padding(toLength: 30, withPad: " ", startingAt: 0),
                        Double(best) / 1000, mask.filter { $0 }.count))
            }
        }

        static func loadVocabulary(_ path: String) throws -> [[UInt8]?] {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard let entries = try JSONSerialization.jsonObject(with: data) as? [Any] else {
                throw BenchError("\(path) is not a JSON array (one entry per token id: an array of byte values, or null)")
            }
            return entries.map { entry in (entry as? [NSNumber])?.map { UInt8(truncating: $0) } }
        }
    }

    private func ms(_ seconds: TimeInterval) -> String { String(format: "%.0f ms", seconds * 1000) }
#endif
