import Foundation
import Schema

/// A schema compiled for `JSONConstraint`: a flat list of operations that the byte-level parser
/// (`ParseState`) walks, with the specifications of every scalar and array. Immutable and shared.
///
/// The operations of `{"a": 1, "tags": ["x"]}`:
/// `literal {"a": ` · `scalar a` · `literal , "tags": ` · `arrayOpen` · `scalar item` · `arrayNext` ·
/// `literal }` · `end`. Arrays of objects put the row's literals and scalars between `arrayOpen`
/// and `arrayNext`.
final class ConstraintProgram: Sendable {
    let ops: [Op]
    let literalBytes: [UInt8]
    let scalars: [ScalarSpec]
    let arrays: [ArraySpec]
    let keywords: KeywordTrie
    let enums: ScalarTrie
    /// Automata of the strings with enforced patterns.
    let patterns: [PatternAutomaton]
    /// The keyword-trie root holding just `null` (for arrays).
    let nullRoot: Int32
    /// Identifies the program (equal fingerprints, equal programs): the key of the shared mask cache.
    let fingerprint: String
    /// The fields whose string values must be copied from the document (`line_items.description`).
    let groundedPaths: [String]

    init(
        ops: [Op], literalBytes: [UInt8], scalars: [ScalarSpec], arrays: [ArraySpec], keywords: KeywordTrie,
        enums: ScalarTrie, patterns: [PatternAutomaton], nullRoot: Int32, fingerprint: String, groundedPaths: [String]
    ) {
        self.patterns = patterns
        self.nullRoot = nullRoot
        self.ops = ops
        self.literalBytes = literalBytes
        self.scalars = scalars
        self.arrays = arrays
        self.keywords = keywords
        self.enums = enums
        self.fingerprint = fingerprint
        self.groundedPaths = groundedPaths
    }
}

/// One step of the program.
struct Op: Sendable {
    enum Kind: UInt8, Sendable { case literal, scalar, arrayOpen, arrayNext, end }
    var kind: Kind
    /// literal: start in `literalBytes`; scalar: index in `scalars`; arrays: index in `arrays`.
    var a: Int32
    /// literal: byte count.
    var b: Int32 = 0
}

/// An array value: `null` when nullable, `[]` when empty is allowed, else `[item, item]` with
/// `minItems...maxItems` items.
struct ArraySpec: Sendable {
    var nullable: Bool
    var allowEmpty: Bool
    var minItems: Int16
    var maxItems: Int16
    /// Which item counter of the state this array uses (its nesting depth).
    var counter: Int
    var itemPC: Int32
    var afterPC: Int32
}

/// A scalar value: keywords (`null`, `true`, `false`, enum literals of non-string types), a string,
/// or a number.
struct ScalarSpec: Sendable {
    /// Root of this scalar's keywords in the keyword trie, or -1.
    var keywordRoot: Int32
    var string: StringSpec?
    var number: NumberSpec?
}

/// What a string's decoded characters must be.
struct StringSpec: Sendable {
    enum Kind: UInt8, Sendable {
        /// Any text without leading, trailing or doubled whitespace, within the length bounds.
        case free
        /// One of the enum literals (`enumRoot` in the scalar trie).
        case enumeration
        /// `YYYY-MM-DD`, a valid date.
        case date
        /// `YYYY-MM-DDTHH:MM:SS` then `Z` or `±HH:MM`.
        case dateTime
        /// A substring of the document, not starting or ending with ASCII whitespace.
        case grounded
        /// Free text that also matches the automaton `pattern` (its `pattern`, email format).
        case pattern
    }
    var kind: Kind
    var minLength: Int32 = 0
    /// -1: no bound.
    var maxLength: Int32 = -1
    var enumRoot: Int32 = 0
    var pattern: Int32 = 0
}

/// A JSON number without exponent: at most `maxIntDigits` digits before the point and
/// `maxFracDigits` after it (none for integers), within `[low, high]` in units of 10^-maxFracDigits.
struct NumberSpec: Sendable {
    var maxIntDigits: Int
    var maxFracDigits: Int
    var low: Int64?
    var high: Int64?
    var integer: Bool { maxFracDigits == 0 }
    var bounded: Bool { low != nil || high != nil }
    var scale: Int64 { Self.power(maxFracDigits) }

    static func power(_ n: Int) -> Int64 {
        var p: Int64 = 1
        for _ in 0..<max(0, n) { p &*= 10 }
        return p
    }
}

/// A trie over bytes for keyword literals, flat; node 0 is unused so that 0 means "none".
struct KeywordTrie: Sendable {
    var edgeStart: [Int32] = []
    var edgeByte: [UInt8] = []
    var edgeChild: [Int32] = []
    var terminal: [Bool] = []

    func child(_ node: Int32, _ b: UInt8) -> Int32 {
        for e in Int(edgeStart[Int(node)])..<Int(edgeStart[Int(node) + 1]) where edgeByte[e] == b { return edgeChild[e] }
        return -1
    }
}

/// A trie over Unicode scalars for string enum literals, flat.
struct ScalarTrie: Sendable {
    var edgeStart: [Int32] = []
    var edgeScalar: [UInt32] = []
    var edgeChild: [Int32] = []
    var terminal: [Bool] = []

    func child(_ node: Int32, _ s: UInt32) -> Int32 {
        for e in Int(edgeStart[Int(node)])..<Int(edgeStart[Int(node) + 1]) where edgeScalar[e] == s { return edgeChild[e] }
        return -1
    }

    func hasChild(_ node: Int32, in range: ClosedRange<UInt32>) -> Bool {
        for e in Int(edgeStart[Int(node)])..<Int(edgeStart[Int(node) + 1]) where range.contains(edgeScalar[e]) { return true }
        return false
    }
}

/// Builds a flat trie from word lists, one root per list.
struct TrieBuilder<Symbol: Hashable & Comparable> {
    private var children: [[Symbol: Int32]] = [[:]]  // node 0: unused sentinel
    private var terminal: [Bool] = [false]

    /// Adds the words under a new root and returns the root.
    mutating func addRoot(_ words: [[Symbol]]) -> Int32 {
        let root = newNode()
        for word in words {
            var node = root
            for s in word {
                if let next = children[Int(node)][s] {
                    node = next
                } else {
                    let next = newNode()
                    children[Int(node)][s] = next
                    node = next
                }
            }
            terminal[Int(node)] = true
        }
        return root
    }

    private mutating func newNode() -> Int32 {
        children.append([:])
        terminal.append(false)
        return Int32(children.count - 1)
    }

    func frozen() -> (start: [Int32], symbols: [Symbol], child: [Int32], terminal: [Bool]) {
        var start: [Int32] = [0]
        var symbols: [Symbol] = []
        var child: [Int32] = []
        for edges in children {
            for (s, c) in edges.sorted(by: { $0.key < $1.key }) { symbols.append(s); child.append(c) }
            start.append(Int32(symbols.count))
        }
        return (start, symbols, child, terminal)
    }
}
