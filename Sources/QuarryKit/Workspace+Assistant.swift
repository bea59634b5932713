import Assistant
import Models
import Progress
import Store

extension Workspace {
    /// The assistant over this database, with the encoder its retrieval needs (none for lexical
    /// retrieval when the encoder is not installed) and the language model generative answers need.
    func assistant(_ options: Assistant.Options) throws(QuarryError) -> Assistant {
        let encoder = options.retrieval == .lexical ? try? Self.encoder() : try Self.encoder()
        var model: LanguageModel?
        if options.mode == .generative {
            do { model = try LanguageModel() } catch { throw .model(error) }
        }
        return Assistant(store: store, encoder: encoder, languageModel: model)
    }

    /// Answers a question from the documents with verified citations, or refuses.
    public func ask(_ question: String, options: Assistant.Options = Assistant.Options()) throws(QuarryError) -> Answer {
        let assistant = try assistant(options)
        do { return try assistant.ask(question, options: options) } catch { throw .assistant(error) }
    }

    /// Scores the assistant on a question file (JSON Lines with gold answers); the run is stored.
    public func evaluateQuestions(
        _ goldPath: String, limit: Int? = nil, options: Assistant.Options = Assistant.Options(),
        progress: any ProgressReporter = SilentProgress()
    ) throws(QuarryError) -> QuestionEvaluation.Report {
        do {
            var questions = try QuestionSet.load(goldPath)
            if let limit { questions = Array(questions.prefix(limit)) }
            let assistant = try assistant(options)
            return try QuestionEvaluation(assistant: assistant).run(questions, options: options, source: goldPath, progress: progress)
        } catch let error as AssistantError {
            throw .assistant(error)
        } catch let error as QuarryError {
            throw error
        } catch {
            throw .assistant(.invalidQuestions(file: goldPath, line: nil, message: "\(error)"))
        }
    }
}
