import Assistant
import Extraction
import Models
import Schema
import Store
import Tuning

/// Errors of the service layer, each naming what the caller has to fix; a face words them for
/// its users (flags, setup commands) and maps `isCallersFault` to its status codes.
public enum QuarryError: Error, Sendable, CustomStringConvertible {
    case noSuchPath(String)
    case pipeline(file: String, line: Int?, key: String?, message: String)
    case store(StoreError)
    /// A model could not be loaded (e.g. not installed).
    case model(ModelError)
    /// A parameter file that cannot be used.
    case extraction(ExtractionError)
    /// A schema file or one of its rules that cannot be used.
    case schema(SchemaError)
    /// A gold file, reward configuration or guideline that cannot be used.
    case tuning(TuningError)
    /// Search, answers, guidance and question files.
    case assistant(AssistantError)
    /// No extracted table of that name (with its schema) in the database.
    case noSuchTable(name: String, database: String)
    /// A value of a request that is not allowed; `name` is the request's field (`table`, `model`, `gold`, …).
    case invalidOption(name: String, message: String)

    public var description: String {
        switch self {
        case .noSuchPath(let p): "no such file or folder: \(p)"
        case .pipeline(let file, let line, let key, let message):
            "\(file)\(line.map { ":\($0)" } ?? "")\(key.map { ": key '\($0)'" } ?? ""): \(message)"
        case .store(let e): e.description
        case .model(let e): e.description
        case .extraction(let e): e.description
        case .schema(let e): e.description
        case .tuning(let e): e.description
        case .assistant(let e): e.description
        case .invalidOption(let name, let message): "\(name): \(message)"
        case .noSuchTable(let name, let database): "no table \(name) in \(database)"
        }
    }

    /// True when the request itself is at fault (a bad path, file, option or name), false when
    /// the environment is (the database, a model, the machine).
    public var isCallersFault: Bool {
        switch self {
        case .noSuchPath, .pipeline, .extraction, .schema, .tuning, .invalidOption, .noSuchTable: true
        case .model: false
        case .store(let error):
            switch error {
            case .unknownModelVersion, .modelVersionOfOtherTable, .nothingToRollBack, .invalidTableName: true
            default: false
            }
        case .assistant(let error):
            switch error {
            case .invalidFilter, .invalidQuestions: true
            case .store, .model, .noVectors: false
            }
        }
    }
}
