import Testing

@testable import Assistant
@testable import Store

@Suite struct GuidanceTests {
    @Test func compilesTheUnderstoodForms() {
        #expect(Guidance.compile("Prefer the annual report over press releases.") == [.prefer("the annual report"), .avoid("press releases")])
        #expect(Guidance.compile("favour signed contracts") == [.prefer("signed contracts")])
        #expect(Guidance.compile("ignore drafts") == [.exclude("drafts")])
        #expect(Guidance.compile("Do not use the 2019 memos") == [.exclude("the 2019 memos")])
        #expect(Guidance.compile("only use audited statements") == [.only("audited statements")])
        #expect(Guidance.compile("avoid scans") == [.avoid("scans")])
        #expect(Guidance.compile("answers should be short") == nil)
        #expect(Guidance.compile("prefer the") == nil)  // names no documents
    }

    @Test func documentsMatchByWordsOfPathOrTitle() {
        #expect(Guidance.matches("annual reports", path: "/r/amcor-annual-report-2023.pdf", title: nil))
        #expect(Guidance.matches("press releases", path: "/r/q3.pdf", title: "Press Release: Q3 results"))
        #expect(!Guidance.matches("annual report", path: "/r/press-release.pdf", title: "Annual general meeting"))
    }

    @Test func scopeAndScores() {
        let docs = [record(1, "/r/annual-report.pdf"), record(2, "/r/press-release.pdf"), record(3, "/r/draft-memo.txt")]
        let (g, unrecognised) = Guidance.compile([
            note(1, "prefer the annual report over press releases"), note(2, "ignore drafts"),
            note(3, "be brief"),
        ])
        #expect(unrecognised.map(\.id) == [3])
        #expect(g.allowed(docs).map(\.id) == [1, 2])
        #expect(g.adjustment(path: docs[0].path, title: nil) == 0.1 && g.adjustment(path: docs[1].path, title: nil) == -0.1)
        #expect(Guidance(rules: [.only("memo")]).allowed(docs).map(\.id) == [3])
        #expect(g.restrictsScope && !Guidance(rules: [.prefer("x")]).restrictsScope)
    }

    func record(_ id: Int64, _ path: String) -> DocumentRecord {
        DocumentRecord(
            id: id, path: path, sha256: "", kind: "pdf", pageCount: 1, status: .ok, error: nil, ingestedAt: "",
            pagesWithoutText: 0, title: nil, author: nil, chunkCount: 1)
    }

    func note(_ id: Int64, _ text: String) -> GuidanceNote { GuidanceNote(id: id, text: text, addedAt: "") }
}
