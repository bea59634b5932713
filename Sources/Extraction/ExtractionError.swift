/// Errors of the extraction layer, each naming what the user has to fix.
public enum ExtractionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A schema that cannot be used; `pointer` is a JSON pointer into the schema file.
    case invalidSchema(file: String, pointer: String, reason: String)
    /// An extractor parameter file that cannot be used.
    case invalidParameters(file: String, reason: String)
    /// A gold file that cannot be used; `line` is 1-based (0 when the whole file is at fault).
    case invalidGold(file: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .invalidSchema(let file, let pointer, let reason):
            "\(file): \(pointer.isEmpty ? "/" : pointer): \(reason)"
        case .invalidParameters(let file, let reason):
            "\(file): \(reason)"
        case .invalidGold(let file, let line, let reason):
            line == 0 ? "\(file): \(reason)" : "\(file):\(line): \(reason)"
        }
    }
}
