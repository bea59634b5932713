import Testing

@testable import Assistant

@Suite struct GenerativeClaimTests {
    @Test func claimsAreTextUpToTheirMarkers() {
        let claims = GenerativeAnswerer.claims(in: "Denver won [1]. Carolina lost 24–10 [2][3]. And then some")
        #expect(
            claims == [
                GenerativeAnswerer.Claim(text: "Denver won.", sources: [1]),
                GenerativeAnswerer.Claim(text: "Carolina lost 24–10.", sources: [2, 3]),
            ])
        #expect(GenerativeAnswerer.claims(in: "no citation at all").isEmpty)
    }

    @Test func aClaimNeedsItsNumbersAndMostOfItsWordsInItsSources() {
        let source = "The Denver Broncos defeated the Carolina Panthers 24–10 to win Super Bowl 50."
        #expect(GenerativeAnswerer.supports(source, "The Broncos defeated the Panthers.", share: 0.5))
        #expect(!GenerativeAnswerer.supports(source, "The Broncos won 31–10.", share: 0.5))  // 31 is not in the source
        #expect(!GenerativeAnswerer.supports(source, "Peyton Manning retired in March.", share: 0.5))
        #expect(!GenerativeAnswerer.supports(source, "The.", share: 0.5))  // no content
    }
}
