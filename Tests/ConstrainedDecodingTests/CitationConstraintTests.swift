import Testing

@testable import ConstrainedDecoding

@Suite struct CitationConstraintTests {
    /// A vocabulary of single bytes (ids 0…255) plus a stop token (256) and "[12]" as one token (257).
    static let vocabulary: [[UInt8]] = (0...255).map { [UInt8($0)] } + [[], Array("[12]".utf8)]

    func allowed(after text: String, sources: Int = 3) -> (Set<Character>, stop: Bool, bracketToken: Bool) {
        var c = CitationConstraint(sources: sources, tokenBytes: Self.vocabulary, stopTokens: [256], claimLength: 20)
        for b in text.utf8 { c.accept(Int(b)) }
        var mask = [Bool](repeating: true, count: Self.vocabulary.count)
        c.restrict(&mask)
        let chars = Set((32...126).filter { mask[$0] }.map { Character(UnicodeScalar(UInt8($0))) })
        return (chars, mask[256], mask[257])
    }

    @Test func claimsMustCiteGivenSourcesBeforeTheAnswerEnds() {
        let start = allowed(after: "")
        #expect(!start.0.contains("[") && !start.0.contains("]") && !start.stop)
        let text = allowed(after: "Denver won ")
        #expect(text.0.contains("[") && !text.stop)
        let marker = allowed(after: "Denver won [")
        #expect(marker.0 == ["1", "2", "3"] && !marker.stop)
        #expect(allowed(after: "Denver won [2").0 == ["]"])
        let cited = allowed(after: "Denver won [2]")
        #expect(cited.stop && cited.0.contains(".") && cited.0.contains("["))
        #expect(allowed(after: "Denver won [2].").stop)
        #expect(!allowed(after: "Denver won [2]. And").stop)
        // Twelve sources: "[12]" as one token is allowed; with three it is not.
        #expect(allowed(after: "x y ", sources: 12).bracketToken && !allowed(after: "x y ").bracketToken)
        // A claim may not run on without citing.
        #expect(!allowed(after: String(repeating: "a", count: 20)).0.contains("a"))
    }
}
