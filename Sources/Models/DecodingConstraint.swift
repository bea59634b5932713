/// Restricts which tokens a language model may produce next, so that its output stays inside a
/// language (for example JSON that conforms to a schema). The generation loop asks for the allowed
/// tokens before each step, samples among them, and reports the token it chose.
public protocol DecodingConstraint {
    /// Sets `allowed[id]` to false for every token that may not come next; `allowed` arrives all
    /// true and has one entry per vocabulary token. The end-of-sequence token is allowed only
    /// when the output so far is complete.
    mutating func restrict(_ allowed: inout [Bool])
    /// Advances past `token`, which `restrict` allowed.
    mutating func accept(_ token: Int)
    /// True when the output so far is a complete sentence of the language (generation may stop).
    var isComplete: Bool { get }
}
