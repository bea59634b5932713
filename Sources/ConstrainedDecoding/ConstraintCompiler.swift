import Foundation
import Schema

/// Compiles schema fields into a `ConstraintProgram`, choosing for every scalar what it may be
/// written as. Constraints that no value could meet (an enum none of whose literals passes the
/// validator, bounds with nothing between them, a grounded string when the document has no text)
/// are relaxed rather than left as dead ends: the validator reports the value afterwards.
struct ConstraintCompiler {
    private let grounding: GroundingText?
    private var ops: [Op] = []
    private var literalBytes: [UInt8] = []
    private var pending: [UInt8] = []
    private var scalars: [ScalarSpec] = []
    private var arrays: [ArraySpec] = []
    private var keywords = TrieBuilder<UInt8>()
    private var enums = TrieBuilder<UInt32>()
    private var patterns: [PatternAutomaton] = []
    private var grounded: [String] = []
    private var patternSources: [[String]] = []
    private var fingerprint = ""

    /// Most digits before the decimal point of a number, and after it.
    static let numberDigits = (integer: 12, fraction: 6)
    /// Most digits of an integer.
    static let integerDigits = 15

    init(grounding: GroundingText?) { self.grounding = grounding }

    /// The program for an object with `fields`, in order.
    static func compile(_ fields: [Field], grounding: GroundingText?) -> ConstraintProgram {
        var c = ConstraintCompiler(grounding: grounding)
        let nullRoot = c.keywords.addRoot([Array("null".utf8)])
        c.object(fields, path: "", depth: 0)
        c.flush()
        c.ops.append(Op(kind: .end, a: 0))
        let k = c.keywords.frozen(), e = c.enums.frozen()
        let keywordTrie = KeywordTrie(edgeStart: k.start, edgeByte: k.symbols, edgeChild: k.child, terminal: k.terminal)
        let enumTrie = ScalarTrie(edgeStart: e.start, edgeScalar: e.symbols, edgeChild: e.child, terminal: e.terminal)
        let fingerprint = c.fingerprint(keywords: k, enums: e)
        return ConstraintProgram(
            ops: c.ops, literalBytes: c.literalBytes, scalars: c.scalars, arrays: c.arrays,
            keywords: keywordTrie, enums: enumTrie, patterns: c.patterns, nullRoot: nullRoot,
            fingerprint: fingerprint, groundedPaths: c.grounded)
    }

    private mutating func object(_ fields: [Field], path: String, depth: Int) {
        literal("{")
        for (i, field) in fields.enumerated() {
            literal((i == 0 ? "\"" : ", \"") + field.name + "\": ")
            let name = path.isEmpty ? field.name : path + "." + field.name
            switch field.kind {
            case .scalar(let type):
                scalar(type, nullable: !field.required, path: name)
            case .list(let type, let minItems, let maxItems):
                let possible = isPossible(type)
                array(required: field.required, minItems: minItems, maxItems: possible ? maxItems : 0, depth: depth) {
                    $0.scalar(type, nullable: false, path: name)
                }
            case .table(let inner):
                array(required: field.required, minItems: nil, maxItems: nil, depth: depth) {
                    $0.object(inner, path: name, depth: depth + 1)
                }
            }
        }
        literal("}")
    }

    private mutating func array(required: Bool, minItems: Int?, maxItems: Int?, depth: Int, item: (inout ConstraintCompiler) -> Void) {
        flush()
        let low = Int16(clamping: max(minItems ?? 1, 1))
        let high = Int16(clamping: maxItems ?? Int(Int16.max))
        let index = arrays.count
        arrays.append(ArraySpec(nullable: false, allowEmpty: false, minItems: 0, maxItems: 0, counter: 0, itemPC: 0, afterPC: 0))
        ops.append(Op(kind: .arrayOpen, a: Int32(index)))
        let itemPC = Int32(ops.count)
        item(&self)
        flush()
        ops.append(Op(kind: .arrayNext, a: Int32(index)))
        // An optional array may be null or empty (the validator skips it); a non-empty one needs
        // minItems items. When no non-empty array fits, empty is allowed whatever `required` says.
        let impossible = high < low
        arrays[index] = ArraySpec(
            nullable: !required || impossible, allowEmpty: !required || impossible,
            minItems: low, maxItems: impossible ? 0 : high, counter: min(depth, 3),
            itemPC: itemPC, afterPC: Int32(ops.count))
    }

    private mutating func scalar(_ type: ScalarType, nullable: Bool, path: String) {
        flush()
        var spec = ScalarSpec(keywordRoot: -1, string: nil, number: nil)
        var words: [[UInt8]] = []
        let literals = Self.enumLiterals(type)
        switch type.base {
        case .boolean:
            words = (literals ?? ["true", "false"]).map { Array($0.utf8) }
        case .number, .integer:
            if let literals { words = literals.map { Array($0.utf8) } } else { spec.number = Self.numberSpec(type) }
        case .string:
            spec.string = stringSpec(type, literals: literals, path: path)
        }
        if nullable || (words.isEmpty && spec.string == nil && spec.number == nil) { words.append(Array("null".utf8)) }
        if !words.isEmpty { spec.keywordRoot = keywords.addRoot(words) }
        ops.append(Op(kind: .scalar, a: Int32(scalars.count)))
        scalars.append(spec)
    }

    /// Whether a list item of this type can be written at all.
    private func isPossible(_ type: ScalarType) -> Bool {
        type.base != .string || Self.enumLiterals(type) != nil || grounding?.hasText != false
    }

    private mutating func stringSpec(_ type: ScalarType, literals: [String]?, path: String) -> StringSpec? {
        if let literals {
            return StringSpec(kind: .enumeration, enumRoot: enums.addRoot(literals.map { $0.unicodeScalars.map(\.value) }))
        }
        let maxLength = type.maxLength.map { Int32(clamping: $0) } ?? -1
        if let grounding {
            guard grounding.hasText, maxLength != 0 else { return nil }
            grounded.append(path)
            return StringSpec(kind: .grounded, minLength: 1, maxLength: maxLength)
        }
        switch type.format {
        case .date: return StringSpec(kind: .date)
        case .dateTime: return StringSpec(kind: .dateTime)
        default:
            var minLength = Int32(clamping: max(type.minLength ?? 0, 1))
            if maxLength >= 0 { minLength = min(minLength, maxLength) }
            let sources = ([type.pattern] + [type.format == .email ? Validator.emailPattern : nil]).compactMap { $0 }
                .filter { RegexNFA.compile($0) != nil }
            if !sources.isEmpty, let automaton = PatternAutomaton(patterns: sources, minLength: minLength, maxLength: maxLength) {
                patterns.append(automaton)
                patternSources.append(sources)
                return StringSpec(kind: .pattern, minLength: minLength, maxLength: maxLength, pattern: Int32(patterns.count - 1))
            }
            return StringSpec(kind: .free, minLength: minLength, maxLength: maxLength)
        }
    }

    /// The enum literals a value may be written as: those the validator accepts when read back
    /// the way `Field.value(fromJSON:)` reads them (strings as they are; other types as JSON
    /// literals), without duplicates; nil when there is no enum or none passes.
    static func enumLiterals(_ type: ScalarType) -> [String]? {
        guard let values = type.enumValues else { return nil }
        let field = Field(name: "value", description: nil, required: false, kind: .scalar(type))
        var seen = Set<String>()
        let passing = values.filter { literal in
            guard !literal.isEmpty, seen.insert(literal).inserted else { return false }
            let json: Any
            if type.base == .string {
                json = literal
            } else {
                guard let parsed = try? JSONSerialization.jsonObject(with: Data(literal.utf8), options: .fragmentsAllowed),
                    !(parsed is String)
                else { return false }
                json = parsed
            }
            return Validator.accepts(field.value(fromJSON: json), type)
        }
        return passing.isEmpty ? nil : passing
    }

    static func numberSpec(_ type: ScalarType) -> NumberSpec {
        var spec =
            type.base == .integer
            ? NumberSpec(maxIntDigits: integerDigits, maxFracDigits: 0)
            : NumberSpec(maxIntDigits: numberDigits.integer, maxFracDigits: numberDigits.fraction)
        let scale = Double(spec.scale)
        let limit = Double(NumberSpec.power(spec.maxIntDigits)) * scale - 1
        let low = type.minimum.flatMap { $0.isFinite ? max(($0 * scale).rounded(.up), -limit) : nil }
        let high = type.maximum.flatMap { $0.isFinite ? min(($0 * scale).rounded(.down), limit) : nil }
        if (low ?? -limit) <= (high ?? limit) {
            spec.low = low.map { Int64($0) }
            spec.high = high.map { Int64($0) }
        }
        return spec
    }

    /// Everything the program consists of, written out (equal texts, equal programs).
    private func fingerprint(
        keywords k: (start: [Int32], symbols: [UInt8], child: [Int32], terminal: [Bool]),
        enums e: (start: [Int32], symbols: [UInt32], child: [Int32], terminal: [Bool])
    ) -> String {
        func list<T: BinaryInteger>(_ xs: [T]) -> String { xs.map { String($0) }.joined(separator: ",") }
        func flags(_ xs: [Bool]) -> String { String(xs.map { $0 ? "1" : "0" }) }
        var parts = [list(ops.map { Int($0.kind.rawValue) }), list(ops.map(\.a)), list(ops.map(\.b)), list(literalBytes)]
        for s in scalars {
            var text = "\(s.keywordRoot)"
            if let t = s.string { text += " s\(t.kind.rawValue),\(t.minLength),\(t.maxLength),\(t.enumRoot),\(t.pattern)" }
            if let n = s.number {
                text += " n\(n.maxIntDigits),\(n.maxFracDigits),\(n.low.map(String.init) ?? "-"),\(n.high.map(String.init) ?? "-")"
            }
            parts.append(text)
        }
        for a in arrays { parts.append("a\(a.nullable),\(a.allowEmpty),\(a.minItems),\(a.maxItems),\(a.counter),\(a.itemPC),\(a.afterPC)") }
        parts += [list(k.start), list(k.symbols), list(k.child), flags(k.terminal), list(e.start), list(e.symbols), list(e.child), flags(e.terminal)]
        for (sources, p) in zip(patternSources, patterns) { parts.append("p\(p.minLength),\(p.maxLength):" + sources.joined(separator: "\u{0}")) }
        return parts.joined(separator: "|")
    }

    private mutating func literal(_ text: String) { pending += Array(text.utf8) }

    private mutating func flush() {
        guard !pending.isEmpty else { return }
        ops.append(Op(kind: .literal, a: Int32(literalBytes.count), b: Int32(pending.count)))
        literalBytes += pending
        pending.removeAll()
    }
}
