import Models
import Store

/// Errors of the assistant (search, answers, guidance), each naming what the user has to fix.
public enum AssistantError: Error, Sendable, CustomStringConvertible {
    case store(StoreError)
    /// A model could not be loaded (e.g. not installed).
    case model(ModelError)
    /// Semantic search was asked for but no chunk has been embedded with the model.
    case noVectors(model: String)
    /// A filter that matches nothing or cannot be read (`--document`, `--path`, `--pages`).
    case invalidFilter(name: String, message: String)
    /// A question file (`quarry eval-qa --gold`) that cannot be read: the file, its line, the problem.
    case invalidQuestions(file: String, line: Int?, message: String)

    public var description: String {
        switch self {
        case .store(let e): e.description
        case .model(let e): e.description
        case .noVectors(let model):
            "no chunk has a vector from \(model) yet: ingest with the model installed and embedding on, or search by words"
        case .invalidFilter(let name, let message): "\(name): \(message)"
        case .invalidQuestions(let file, let line, let message): "\(file)\(line.map { ":\($0)" } ?? ""): \(message)"
        }
    }
}
