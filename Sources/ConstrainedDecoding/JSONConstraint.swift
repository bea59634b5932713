import Models
import Schema

/// Schema-constrained decoding: lets a language model write only tokens that keep its output a
/// prefix of one JSON row of a `Schema`, in one fixed convention.
///
/// The language:
/// - One object, compact: `{"a": 1, "b": ["x", "y"], "c": [{"d": true}]}`. No whitespace but one
///   space after each `:` and `,`. Every field is present, in schema order (or in the order of
///   `fields`); nested table rows likewise. After the closing `}` only end-of-sequence may come,
///   and `isComplete` is true exactly then.
/// - Optional fields may be `null`; required ones may not. An optional list or table may also be
///   `[]`; a non-empty one (and every required one) has `max(minItems, 1)...maxItems` items.
///   Items are never null.
/// - Strings are never empty. Free text has no leading, trailing or doubled whitespace (what the
///   `Normalizer` would remove anyway), no control characters but whitespace, and at most
///   `maxLength` (at least `minLength`) Unicode scalars. `enum` → exactly one of the literals the
///   validator accepts. `format: date` → `"YYYY-MM-DD"`, a real date; `format: date-time` →
///   `"YYYY-MM-DDTHH:MM:SS"` with `Z` or `±HH:MM`. `pattern` and `format: email` are enforced
///   (whitespace read as the space the `Normalizer` makes of it) when the pattern is in the
///   subset `RegexNFA` supports; other patterns, and `format: uri`, are left to the `Validator`.
/// - JSON escapes are read as JSON does (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`,
///   `\uXXXX`, surrogate pairs only as pairs); raw bytes must be well-formed UTF-8, which may be
///   split across tokens, as may every other element.
/// - Numbers: `-?(0|[1-9][0-9]*)(\.[0-9]+)?`, no exponent; at most 12 digits before the point and
///   6 after it; integers have no point and at most 15 digits. `minimum`/`maximum` hold on every
///   prefix (no `-` under `minimum: 0`). Booleans: `true`/`false`. Enums of those types: their
///   literals.
///
/// Grounded mode (`grounding` given): every string that is not an enum — free text, dates,
/// date-times, emails, URIs, in lists and tables too — must be a non-empty substring of the
/// document after JSON-unescaping, not starting or ending with ASCII whitespace, at most
/// `maxLength` scalars (`minLength`, patterns and formats are left to the validator). Dates are then the
/// document's own spelling (`"March 3, 2024"`), which `Field.value(fromJSON:)` normalises;
/// `groundedFields` lists those fields. Numbers, booleans and enums are not grounded.
///
/// Constraints that nothing can meet are relaxed, never left as dead ends (see
/// `ConstraintCompiler`). Masks: a trie walk pruned by the parser, with plain tokens allowed
/// wholesale inside free text, cached by parser state (document-independent states in the
/// vocabulary, shared by every constraint with the same schema).
public struct JSONConstraint: DecodingConstraint, Sendable {
    let program: ConstraintProgram
    let vocabulary: ConstraintVocabulary
    let grounding: GroundingText?
    let endOfSequence: Int
    var state = ParseState()
    private var output: [UInt8] = []
    private var finished = false
    private let sharedCache: MaskCache
    private let documentCache = MaskCache(limit: 2_000_000)
    private var saved: [Bool] = []
    /// Whether masks are cached (turned off to measure the uncached cost).
    var cachesMasks = true

    /// Tokens passed to `accept` that `restrict` would not have allowed (they are ignored).
    public private(set) var rejectedTokens = 0
    /// The fields whose string values are copied from the document (`line_items.description`
    /// for a table's column); empty without grounding.
    public var groundedFields: [String] { program.groundedPaths }

    /// `fields`: when given, the object holds only those schema fields, in that order (unknown
    /// names and repeats are left out).
    public init(schema: Schema, vocabulary: ConstraintVocabulary, endOfSequence: Int, grounding: GroundingText? = nil, fields: [String]? = nil) {
        var seen = Set<String>()
        let chosen = fields.map { names in names.filter { seen.insert($0).inserted }.compactMap { schema.field($0) } } ?? schema.fields
        program = ConstraintCompiler.compile(chosen, grounding: grounding)
        self.vocabulary = vocabulary
        self.grounding = grounding
        self.endOfSequence = endOfSequence
        sharedCache = vocabulary.caches.cache(for: program.fingerprint)
    }

    /// The output so far.
    public var text: String { String(decoding: output, as: UTF8.self) }

    public var isComplete: Bool { state.isComplete(machine) }

    var machine: ParseMachine { ParseMachine(program: program, grounding: grounding) }

    public mutating func restrict(_ allowed: inout [Bool]) {
        if finished {
            let eos = endOfSequence
            allowed.withUnsafeMutableBufferPointer { out in
                for i in out.indices where i != eos { out[i] = false }
            }
            return
        }
        currentMask().apply(to: &allowed, vocabulary: vocabulary, saved: &saved)
        // Even if the vocabulary gives end-of-sequence bytes, it ends the output only when complete.
        if allowed.indices.contains(endOfSequence) && !isComplete { allowed[endOfSequence] = false }
    }

    public mutating func accept(_ token: Int) {
        if token == endOfSequence {
            if isComplete { finished = true } else { rejectedTokens += 1 }
            return
        }
        guard !finished, vocabulary.tokens.indices.contains(token), let bytes = vocabulary.tokens[token], !bytes.isEmpty else {
            rejectedTokens += 1
            return
        }
        var next = state
        let m = machine
        for b in bytes {
            guard next.step(b, m) else { rejectedTokens += 1; return }
        }
        state = next
        output += bytes
    }

    /// The mask of the current state, from a cache when possible.
    func currentMask() -> TokenMask {
        if cachesMasks {
            if let mask = sharedCache.mask(state) { return mask }
            if grounding != nil, let mask = documentCache.mask(state) { return mask }
        }
        let (mask, usedDocument) = state.mask(machine, vocabulary: vocabulary, endOfSequence: endOfSequence)
        if cachesMasks { (usedDocument ? documentCache : sharedCache).store(mask, for: state) }
        return mask
    }
}
