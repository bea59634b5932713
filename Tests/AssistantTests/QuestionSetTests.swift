import Testing

@testable import Assistant

@Suite struct QuestionSetTests {
    @Test func readsQuestionsAnswersEvidenceAndFilters() throws {
        let text = """
            {"id": "q1", "question": "Who won?", "answers": ["Denver Broncos", "Broncos"], "evidence": [{"document": "sb.txt", "page": 2, "quote": "Denver won"}], "document": "sb.txt", "type": "span"}

            {"question": "How much?", "answer": 5.0, "evidence": [{"document": "r.txt", "page": 1, "start": 3, "end": 9}], "all_required": true, "note": "ignored"}
            {"id": 7, "question": "Who is the CEO of Acme?", "answers": []}
            """
        let questions = try QuestionSet.parse(text, file: "q.jsonl")
        #expect(questions.map(\.id) == ["q1", "2", "7"])
        #expect(questions[0].documents == ["sb.txt"] && questions[0].evidence == [GoldEvidence(document: "sb.txt", page: 2, quote: "Denver won")])
        #expect(questions[1].answers == ["5"] && questions[1].allRequired && questions[1].evidence[0].start == 3)
        #expect(!questions[2].isAnswerable && questions[0].isAnswerable)
    }

    @Test func badLinesNameTheFileAndLine() {
        func message(_ text: String) -> String {
            do { _ = try QuestionSet.parse(text, file: "q.jsonl"); return "" } catch { return error.description }
        }
        #expect(message("{\"question\": \"a\"}\nnot json") == "q.jsonl:2: not a JSON object")
        #expect(message("{\"answers\": []}") == "q.jsonl:1: \"question\" must be a non-empty string")
        #expect(
            message("{\"question\": \"a\", \"evidence\": [{\"document\": \"d\", \"page\": 1, \"start\": 4}]}").contains(
                "give both \"start\" and \"end\""))
        #expect(
            message("{\"question\": \"a\", \"evidence\": [{\"document\": \"d\", \"page\": 0, \"quote\": \"x\"}]}").contains("\"page\" (1 or more)"))
        #expect(message("{\"id\": \"x\", \"question\": \"a\"}\n{\"id\": \"x\", \"question\": \"b\"}") == "q.jsonl:2: id x is used twice")
        #expect(message("\n\n") == "q.jsonl: no questions")
    }

    @Test func answersAreNormalisedLikeSQuAD() {
        #expect(QuestionEvaluation.normalized("The Denver Broncos, (AFC)!") == "denver broncos afc")
        #expect(QuestionEvaluation.normalized("$1,200.50 in 2019–2020") == "120050 in 2019 2020")
        #expect(QuestionEvaluation.normalized("  a  Well-known   team ") == "well known team")
    }
}

@Suite struct RetrievalFilterTests {
    @Test func pageRanges() {
        #expect(RetrievalFilter.pages("3") == 3...3)
        #expect(RetrievalFilter.pages("3-7") == 3...7)
        #expect(RetrievalFilter.pages("3-")?.lowerBound == 3)
        #expect(RetrievalFilter.pages("0") == nil && RetrievalFilter.pages("7-3") == nil && RetrievalFilter.pages("x") == nil)
    }

    @Test func globsMatchFileNamesOrPathTails() {
        #expect(RetrievalFilter.matches("*.pdf", "/data/contracts/nda.pdf"))
        #expect(!RetrievalFilter.matches("*.pdf", "/data/contracts/nda.txt"))
        #expect(RetrievalFilter.matches("contracts/*.pdf", "/data/contracts/nda.pdf"))
        #expect(!RetrievalFilter.matches("contracts/*.pdf", "/data/contracts/old/nda.pdf"))
        #expect(RetrievalFilter.matches("/data/*/nda.pdf", "/data/contracts/nda.pdf"))
    }
}
