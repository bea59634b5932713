import Schema

/// Errors of the extraction layer, each naming what the user has to fix.
public enum ExtractionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An extractor parameter file that cannot be used.
    case invalidParameters(file: String, reason: String)

    public var description: String {
        switch self {
        case .invalidParameters(let file, let reason):
            "\(file): \(reason)"
        }
    }
}
