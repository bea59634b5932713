import Documents
import Extraction
import Foundation
import Models
import Schema

/// The language-model judge: the embedded model's probability that a value answers its field,
/// given the evidence. For each value with evidence it asks, in the model's chat template, whether
/// the value is the field (name and description) according to the line the evidence sits on, and
/// compares the probabilities of answering `Yes`/`yes` and `No`/`no`: P(yes) / (P(yes) + P(no)). A field scores the mean over
/// its values; a value without evidence scores 0. It is slow (one prompt per value), so it is
/// meant for the reward mix of small tuning runs and for checking what the others reward.
public struct LanguageModelJudge: Reward, @unchecked Sendable {
    public let name = "language_model"
    let model: LanguageModel
    /// The token sequences of the answers' spellings.
    let yes: [[Int]]
    let no: [[Int]]

    public init(model: LanguageModel) {
        self.model = model
        let encode = { (word: String) in model.tokenizer.encode(word, addSpecial: false, parseSpecial: false) }
        yes = ["Yes", "yes"].map(encode).filter { !$0.isEmpty }
        no = ["No", "no"].map(encode).filter { !$0.isEmpty }
    }

    public func score(_ context: RewardContext) -> RewardScore {
        var fields: [String: Double] = [:]
        for field in context.schema.fields where field.scalarType != nil {
            let values = context.values(of: field)
            guard !values.isEmpty else { continue }
            let probabilities = values.indices.map { index -> Double in
                guard let evidence = context.candidate.evidence.first(where: { $0.field == field.name && $0.valueIndex == index }),
                    let page = context.document.pages.first(where: { $0.number == evidence.location.page })
                else { return 0 }
                return probabilityOfYes(field: field, value: values[index], line: Self.line(around: evidence, in: page))
            }
            fields[field.name] = probabilities.reduce(0, +) / Double(probabilities.count)
        }
        return .mean(of: fields, judged: "judged field", threshold: 0.5)
    }

    /// P(yes) among yes and no after the question.
    func probabilityOfYes(field: Field, value: Value, line: String) -> Double {
        let meaning = field.description.map { " (\($0))" } ?? ""
        let question = """
            Text: "\(line)"
            Field: \(field.name.replacingOccurrences(of: "_", with: " "))\(meaning)
            Value: \(value)
            According to the text, is the value the field? Answer yes or no.
            """
        guard let prompt = try? model.chatTokens([ChatMessage(role: "user", content: question)]) else { return 0 }
        let longest = (yes + no).map(\.count).max() ?? 1
        let session = model.session(capacity: prompt.count + longest)
        // P(answer) for each spelling, teacher-forced after the prompt (which is evaluated again each time).
        func probability(_ answers: [[Int]]) -> Double {
            answers.reduce(0.0) { total, answer in
                session.truncate(to: 0)
                return total + ((try? model.logProbability(of: answer, after: prompt, in: session)).map { Foundation.exp($0) } ?? 0)
            }
        }
        let pYes = probability(yes), pNo = probability(no)
        return pYes + pNo > 0 ? pYes / (pYes + pNo) : 0
    }

    /// The evidence's line of the page, at most 300 characters around the quote.
    static func line(around evidence: Evidence, in page: Page) -> String {
        let scalars = Array(page.text.unicodeScalars)
        guard evidence.location.start >= 0, evidence.location.end <= scalars.count, evidence.location.start <= evidence.location.end else {
            return evidence.quote
        }
        var start = evidence.location.start, end = evidence.location.end
        while start > 0, scalars[start - 1] != "\n", evidence.location.start - start < 150 { start -= 1 }
        while end < scalars.count, scalars[end] != "\n", end - evidence.location.end < 150 { end += 1 }
        return String(String.UnicodeScalarView(scalars[start..<end]))
    }
}
