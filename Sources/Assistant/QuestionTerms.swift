import Documents
import Foundation
import Store

/// What the assistant reads in a question: its content words, which a passage that answers it
/// tends to share, and its key terms (numbers and names), which the documents must mention for
/// the question to be answerable from them at all.
public struct QuestionTerms: Sendable, Equatable {
    /// Lower-case words that are not function words or question words, each once, in order.
    public let content: [String]
    /// Numbers (`2019`, `50`, `XLIX`), lower-case, each once, in order.
    public let numbers: [String]
    /// Names (`Broncos`, `NFL`: capitalised words after the first), lower-case, each once, in order.
    public let names: [String]

    public init(_ question: String) {
        var content: [String] = [], numbers: [String] = [], names: [String] = []
        let tokens = question.split { !$0.isLetter && !$0.isNumber }.map(String.init)
        for (i, token) in tokens.enumerated() {
            let word = token.lowercased()
            guard !Self.ignored.contains(word) else { continue }
            if !content.contains(word) { content.append(word) }
            if token.contains(where: { $0.isNumber }) || Self.isRomanNumeral(token) {
                if !numbers.contains(word) { numbers.append(word) }
            } else if i > 0, token.first?.isUppercase ?? false, !names.contains(word) {
                names.append(word)
            }
        }
        self.content = content
        self.numbers = numbers
        self.names = names
    }

    /// Why documents with these word counts cannot answer the question, or nil: a number of the
    /// question that they never mention ("revenue in 2009"), or names none of which they mention
    /// ("the CEO of Acme Corp"). One absent name alone is not enough: questions name things in
    /// other words than the text does ("TV" for "television", "Louisiana" for "New Orleans").
    public func unanswerable(given rarity: TermRarity) -> String? {
        let absentNumbers = rarity.absent(numbers)
        if !absentNumbers.isEmpty { return "the documents never mention " + absentNumbers.map { "\"\($0)\"" }.joined(separator: ", ") }
        if !names.isEmpty, rarity.absent(names).count == names.count {
            return "the documents never mention " + names.map { "\"\($0)\"" }.joined(separator: " or ")
        }
        return nil
    }

    /// An upper-case Roman numeral of two or more letters (`XLIX`, `LI`), a number as Super
    /// Bowls and regnal names write them.
    /// Well formed and holding an I, V or X, so that "DC" or "MD" is not read as one.
    static func isRomanNumeral(_ token: String) -> Bool {
        token.count >= 2 && token.contains { "IVX".contains($0) }
            && token.wholeMatch(of: /M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})/) != nil
    }

    /// Function words and the words questions are phrased with.
    static let ignored: Set<String> = FTSQuery.stopwords.union(Words.stopwords).union([
        "many", "much", "name", "named", "called", "kind", "type", "can", "could", "will", "during", "about", "also",
        "s", "t",
    ])
}

/// How rare each word is in the searched chunks: the inverse document frequency BM25 uses,
/// `ln(1 + (N − n + 0.5) / (n + 0.5))` for a word found in `n` of `N` chunks; and whether a word
/// tells documents apart (some documents of the scope have it, others do not).
public struct TermRarity: Sendable {
    public let counts: TermCounts

    public init(_ counts: TermCounts) { self.counts = counts }

    public var chunks: Int { counts.chunks }

    public func weight(_ word: String) -> Double {
        let n = Double(counts.terms[word]?.chunks ?? 0), total = Double(counts.chunks)
        return log(1 + (total - n + 0.5) / (n + 0.5))
    }

    /// Whether the word is in some documents of the scope but not in all.
    public func selectsDocuments(_ word: String) -> Bool {
        let n = counts.terms[word]?.documents ?? 0
        return n > 0 && n < counts.documents
    }

    /// The words found in no chunk.
    public func absent(_ words: [String]) -> [String] {
        words.filter { (counts.terms[$0]?.chunks ?? 0) == 0 }
    }
}
