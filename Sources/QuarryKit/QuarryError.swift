import Store
import Models
import Extraction
import Schema
import Tuning
import Schema

/// Errors of the pipeline layer, each naming what the user has to fix.
public enum QuarryError: Error, Sendable, CustomStringConvertible {
    case noSuchPath(String)
    case pipeline(file: String, line: Int?, key: String?, message: String)
    case store(StoreError)
    /// A model could not be loaded (e.g. not installed).
    case model(ModelError)
    /// A schema, parameter or gold file that cannot be used.
    case extraction(ExtractionError)
    /// A schema file or one of its rules that cannot be used.
    case schema(SchemaError)
    /// A gold file, reward configuration or guideline that cannot be used.
    case tuning(TuningError)
    /// A value given on the command line or in a pipeline that is not allowed.
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
        case .invalidOption(let name, let message): "\(name): \(message)"
        }
    }
}
