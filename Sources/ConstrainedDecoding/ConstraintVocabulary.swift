import Foundation
import Models
import Schema

/// A language model's vocabulary as the bytes each token adds to the text, prepared once per model
/// for constrained decoding (`JSONConstraint`) and shared by every constraint built on it.
///
/// It holds a byte trie of all tokens (walked with a grammar state to find the allowed tokens), a
/// second trie of the few "special" tokens, and per-token costs that let a free-text string state
/// allow every ordinary token at once: a token is *plain* when its bytes are well-formed UTF-8 with
/// no `"`, `\`, control byte or run of two whitespace characters. Masks computed for grammar states
/// that do not depend on a document are cached here, per compiled schema.
public final class ConstraintVocabulary: Sendable {
    /// Number of token ids (the length of the masks).
    public let count: Int
    /// The bytes of each token; nil (or empty) for control tokens, which are never allowed.
    let tokens: [[UInt8]?]
    /// Every non-control token.
    let fullTrie: ByteTrie
    /// The tokens that are not plain (see the type's documentation).
    let specialTrie: ByteTrie
    /// For plain tokens: Unicode scalars, plus one when the token ends with whitespace (a string
    /// must still find room for a non-space after it); 255 for the others.
    let plainCost: [UInt8]
    /// As `plainCost`, but 255 for tokens that start with whitespace (used after a space and at
    /// the start of a string).
    let plainCostNoLeadingSpace: [UInt8]
    /// Mask caches, one per compiled schema fingerprint.
    let caches = MaskCacheRegistry()
    /// Plain tokens as pattern-class sequences (`classTrie(for:)`).
    let classTries = ClassTrieCache()

    /// `tokens[id]` is the bytes token `id` adds to the text, or nil for control tokens.
    public init(tokens: [[UInt8]?]) {
        self.tokens = tokens
        count = tokens.count
        var cost = [UInt8](repeating: 255, count: tokens.count)
        var costNoLead = [UInt8](repeating: 255, count: tokens.count)
        var special: [[UInt8]?] = Array(repeating: nil, count: tokens.count)
        for (id, bytes) in tokens.enumerated() {
            guard let bytes, !bytes.isEmpty else { continue }
            if let plain = Self.plainShape(bytes) {
                cost[id] = UInt8(plain.cost)
                costNoLead[id] = plain.leadingSpace ? 255 : UInt8(plain.cost)
            } else {
                special[id] = bytes
            }
        }
        plainCost = cost
        plainCostNoLeadingSpace = costNoLead
        fullTrie = ByteTrie(tokens.map { $0?.isEmpty == false ? $0 : nil })
        specialTrie = ByteTrie(special)
    }

    /// Cost and leading-space flag of a plain token, or nil when the token is special.
    static func plainShape(_ bytes: [UInt8]) -> (cost: Int, leadingSpace: Bool)? {
        var decoder = UTF8Scanner(bytes)
        var scalars = 0
        var previousSpace = false
        var first = true
        var leadingSpace = false
        while let scalar = decoder.next() {
            guard let scalar else { return nil }  // ill-formed or cut off
            if scalar < 0x20 || scalar == 0x22 || scalar == 0x5C { return nil }
            let space = Whitespace.isUnicode(scalar)
            if space && previousSpace { return nil }
            if first { leadingSpace = space; first = false }
            previousSpace = space
            scalars += 1
        }
        let cost = scalars + (previousSpace ? 1 : 0)
        return cost < 255 ? (cost, leadingSpace) : nil
    }
}

/// Reads Unicode scalars from bytes: `.some(nil)` for ill-formed or truncated UTF-8.
struct UTF8Scanner {
    let bytes: [UInt8]
    var index = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func next() -> UInt32?? {
        guard index < bytes.count else { return .none }
        let lead = bytes[index]
        index += 1
        guard let (need, bits) = UTF8Partial.lead(lead) else { return .some(nil) }
        var partial = UTF8Partial(need: need, length: need + 1, value: bits)
        while partial.need > 0 {
            guard index < bytes.count, partial.add(bytes[index]) else { return .some(nil) }
            index += 1
        }
        return .some(partial.value)
    }
}

/// A multi-byte UTF-8 character read so far: the continuation bytes still `need`ed, the total
/// `length`, and the bits so far. `range` is exactly the set of scalars it can still become.
struct UTF8Partial: Hashable, Sendable {
    var need: Int
    var length: Int
    var value: UInt32

    /// For a lead byte: continuation bytes needed and its payload bits; nil for an ASCII byte or
    /// one that cannot start a character.
    static func lead(_ b: UInt8) -> (Int, UInt32)? {
        switch b {
        case 0x00..<0x80: (0, UInt32(b))
        case 0xC2...0xDF: (1, UInt32(b & 0x1F))
        case 0xE0...0xEF: (2, UInt32(b & 0x0F))
        case 0xF0...0xF4: (3, UInt32(b & 0x07))
        default: nil
        }
    }

    /// Adds a continuation byte; false when it is not one or leaves no valid scalar.
    mutating func add(_ b: UInt8) -> Bool {
        guard b & 0xC0 == 0x80, need > 0 else { return false }
        value = value << 6 | UInt32(b & 0x3F)
        need -= 1
        return range != nil
    }

    /// The scalars this character can still become (surrogates and overlong forms excluded).
    var range: ClosedRange<UInt32>? {
        let shift = UInt32(6 * need)
        var lo = value << shift
        var hi = lo | ((1 << shift) - 1)
        let smallest: UInt32 =
            switch length {
            case 2: 0x80;
            case 3: 0x800;
            case 4: 0x10000;
            default: 0
            }
        lo = max(lo, smallest)
        hi = min(hi, 0x10FFFF)
        if lo >= 0xD800 && hi <= 0xDFFF { return nil }
        if lo >= 0xD800 && lo <= 0xDFFF { lo = 0xE000 }
        if hi >= 0xD800 && hi <= 0xDFFF { hi = 0xD7FF }
        return lo <= hi ? lo...hi : nil
    }
}

/// Whitespace as the `Normalizer` sees it (Unicode White_Space), and its ASCII part.
enum Whitespace {
    static func isUnicode(_ s: UInt32) -> Bool {
        switch s {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    static func isASCII(_ s: UInt32) -> Bool { s == 0x20 || (0x09...0x0D).contains(s) }
}

/// A byte trie of tokens laid out flat: node → sorted edges (byte, child) and the token ids
/// whose bytes end at the node. Node 0 is the root.
struct ByteTrie: Sendable {
    let edgeStart: [Int32]
    let edgeByte: [UInt8]
    let edgeChild: [Int32]
    let tokenStart: [Int32]
    let tokenIds: [Int32]

    var nodeCount: Int { edgeStart.count - 1 }

    init(_ tokens: [[UInt8]?]) {
        let ids = tokens.indices.filter { tokens[$0] != nil }.sorted { a, b in
            let x = tokens[a] ?? [], y = tokens[b] ?? []
            return x.lexicographicallyPrecedes(y) || (x == y && a < b)
        }
        // Insert in sorted order: nodes are created in depth-first preorder.
        var parents: [Int32] = [-1]
        var bytes: [UInt8] = [0]
        var terminal: [(node: Int32, id: Int32)] = []
        var path: [Int32] = [0]  // path[d] = node at depth d for the previous token
        var previous: [UInt8] = []
        for id in ids {
            guard let token = tokens[id] else { continue }
            var common = 0
            while common < min(token.count, previous.count) && token[common] == previous[common] { common += 1 }
            path.removeSubrange((common + 1)...)
            for d in common..<token.count {
                parents.append(path[d])
                bytes.append(token[d])
                path.append(Int32(parents.count - 1))
            }
            terminal.append((path[token.count], Int32(id)))
            previous = token
        }
        let nodes = parents.count
        var start = [Int32](repeating: 0, count: nodes + 1)
        for n in 1..<nodes { start[Int(parents[n]) + 1] += 1 }
        for n in 0..<nodes { start[n + 1] += start[n] }
        var fill = start
        var edgeByte = [UInt8](repeating: 0, count: max(0, nodes - 1))
        var edgeChild = [Int32](repeating: 0, count: max(0, nodes - 1))
        for n in 1..<max(1, nodes) {  // children in preorder are in increasing byte order
            let p = Int(parents[n])
            edgeByte[Int(fill[p])] = bytes[n]
            edgeChild[Int(fill[p])] = Int32(n)
            fill[p] += 1
        }
        var tStart = [Int32](repeating: 0, count: nodes + 1)
        for t in terminal { tStart[Int(t.node) + 1] += 1 }
        for n in 0..<nodes { tStart[n + 1] += tStart[n] }
        var tFill = tStart
        var tIds = [Int32](repeating: 0, count: terminal.count)
        for t in terminal {
            tIds[Int(tFill[Int(t.node)])] = t.id
            tFill[Int(t.node)] += 1
        }
        self.edgeStart = start
        self.edgeByte = edgeByte
        self.edgeChild = edgeChild
        self.tokenStart = tStart
        self.tokenIds = tIds
    }
}

extension ConstraintVocabulary {
    /// A language model's vocabulary, from the token bytes its tokenizer built once; control
    /// tokens are never produced inside JSON.
    public convenience init(model: LanguageModel) {
        self.init(tokens: model.tokenizer.tokenBytes.map { $0.isEmpty ? nil : $0 })
    }
}
