/// Errors of the extraction layer, each naming what the user has to fix.
public enum ExtractionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A schema that cannot be used; `pointer` is a JSON pointer into the schema file.
    case invalidSchema(file: String, pointer: String, reason: String)

    public var description: String {
        switch self {
        case .invalidSchema(let file, let pointer, let reason):
            "\(file): \(pointer.isEmpty ? "/" : pointer): \(reason)"
        }
    }
}
