/// Errors of the schema layer: a schema file or a rule that cannot be used, with where it is wrong.
public enum SchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A schema that cannot be used; `pointer` is a JSON pointer into the schema file.
    case invalidSchema(file: String, pointer: String, reason: String)
    /// A cross-field rule that does not parse: what is wrong and where (a character offset into the rule).
    case invalidRule(message: String, position: Int)

    public var description: String {
        switch self {
        case .invalidSchema(let file, let pointer, let reason):
            "\(file): \(pointer.isEmpty ? "/" : pointer): \(reason)"
        case .invalidRule(let message, let position):
            "\(message) at \(position)"
        }
    }
}
