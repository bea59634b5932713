import Models

/// The language of a generated answer: one or more claims, each some text followed by one or
/// more citation markers `[n]` whose numbers name retrieved sources (1…`sources`), so the model
/// cannot cite a source it was not given or leave a claim without one. Text holds no brackets or
/// line breaks and at most `claimLength` bytes before it must cite. The answer may end (the stop
/// token is allowed) only right after a marker or after the full stop that follows one.
public struct CitationConstraint: DecodingConstraint {
    /// Where the output stands.
    enum State: Equatable {
        case text(bytes: Int)
        case marker(digits: String)
        /// Right after a marker.
        case cited
        /// After the punctuation that closes a cited claim.
        case closed
    }

    public let sources: Int
    public let claimLength: Int
    /// Each token's bytes (empty for control tokens, which are never allowed).
    let tokenBytes: [[UInt8]]
    let stopTokens: Set<Int>
    private(set) var state = State.text(bytes: 0)

    public init(sources: Int, tokenBytes: [[UInt8]], stopTokens: Set<Int>, claimLength: Int = 300) {
        self.sources = sources; self.tokenBytes = tokenBytes; self.stopTokens = stopTokens; self.claimLength = claimLength
    }

    /// The state after `byte`, or nil when the byte may not come next.
    func next(_ state: State, _ byte: UInt8) -> State? {
        switch state {
        case .text(let n):
            if byte == UInt8(ascii: "[") { return n >= 2 ? .marker(digits: "") : nil }
            if byte == UInt8(ascii: "]") || byte == 10 || byte == 13 || n >= claimLength { return nil }
            return .text(bytes: n + 1)
        case .marker(let digits):
            if byte == UInt8(ascii: "]") { return Int(digits).map { (1...sources).contains($0) } == true ? .cited : nil }
            guard (48...57).contains(byte), !(digits.isEmpty && byte == 48) else { return nil }
            let longer = digits + String(UnicodeScalar(byte))
            return Int(longer).map { $0 <= sources } == true ? .marker(digits: longer) : nil
        case .cited:
            if byte == UInt8(ascii: "[") { return .marker(digits: "") }
            if ".!?;,".utf8.contains(byte) { return .closed }
            if byte == UInt8(ascii: "]") || byte == 10 || byte == 13 { return nil }
            return .text(bytes: byte == UInt8(ascii: " ") ? 0 : 1)
        case .closed:
            if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]") || byte == 10 || byte == 13 { return nil }
            return .text(bytes: byte == UInt8(ascii: " ") ? 0 : 1)
        }
    }

    public mutating func restrict(_ allowed: inout [Bool]) {
        for id in allowed.indices {
            if stopTokens.contains(id) { allowed[id] = isAnswerEnd; continue }
            let bytes = id < tokenBytes.count ? tokenBytes[id] : []
            guard !bytes.isEmpty else { allowed[id] = false; continue }
            var s: State? = state
            for b in bytes { s = s.flatMap { next($0, b) }; if s == nil { break } }
            allowed[id] = s != nil
        }
    }

    public mutating func accept(_ token: Int) {
        guard token < tokenBytes.count else { return }
        for b in tokenBytes[token] { if let s = next(state, b) { state = s } }
    }

    /// Never complete on its own: the model ends the answer with its stop token, allowed only
    /// where an answer may end.
    public var isComplete: Bool { false }

    /// Right after a marker, or after the punctuation that may follow one.
    var isAnswerEnd: Bool { state == .cited || state == .closed }
}
