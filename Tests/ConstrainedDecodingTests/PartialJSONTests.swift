import Testing

@testable import ConstrainedDecoding

/// Reading what a generation cut off by its token budget finished.
@Suite struct PartialJSONTests {
    @Test func keepsFinishedMembersAndItems() throws {
        let whole = try #require(PartialJSON.parse(#"{"a": "x", "b": [1, 2]}"#) as? [String: Any])
        #expect(whole["a"] as? String == "x" && (whole["b"] as? [Int]) == [1, 2])
        let cut = try #require(PartialJSON.parse(#"{"a": "x", "n": 12, "items": [{"d": "pen", "q": 2}, {"d": "ink", "q": 3"#) as? [String: Any])
        #expect(cut["a"] as? String == "x" && cut["n"] as? Int == 12)
        let items = try #require(cut["items"] as? [[String: Any]])
        #expect(items.count == 2 && items[0]["d"] as? String == "pen" && items[1]["d"] as? String == "ink" && items[1]["q"] == nil)
        // An unfinished string or a number at the very end is dropped.
        #expect((PartialJSON.parse(#"{"a": "x", "b": "unfin"#) as? [String: Any])?.keys.sorted() == ["a"])
        #expect((PartialJSON.parse(#"{"a": null, "n": 12"#) as? [String: Any])?["n"] == nil)
        #expect((PartialJSON.parse(#"{"s": "a \"quoted\" word", "t": tr"#) as? [String: Any])?["s"] as? String == #"a "quoted" word"#)
        #expect(PartialJSON.parse("") == nil)
    }
}
