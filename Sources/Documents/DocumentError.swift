/// Why a file could not be read. Every case names the file; the description is a sentence for users.
public enum DocumentError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case passwordRequired(path: String)
    case wrongPassword(path: String)
    case invalidPDF(path: String, reason: String)
    case unsupportedFile(path: String, reason: String)
    /// Binary document data (as parse workers send it) that ended early or held an impossible value.
    case malformedBinary(offset: Int)

    public var path: String {
        switch self {
        case .unreadable(let p, _), .passwordRequired(let p), .wrongPassword(let p),
            .invalidPDF(let p, _), .unsupportedFile(let p, _):
            p
        case .malformedBinary: "(binary document data)"
        }
    }

    /// The reason without the path, as stored in `documents.error`.
    public var reason: String {
        switch self {
        case .unreadable(_, let r): "cannot read the file: \(r)"
        case .passwordRequired: "the PDF is encrypted and needs a password (pass --password)"
        case .wrongPassword: "the PDF is encrypted and the password given does not open it"
        case .invalidPDF(_, let r): "not a readable PDF: \(r)"
        case .unsupportedFile(_, let r): "unsupported file: \(r)"
        case .malformedBinary(let offset): "the data ended early or held an impossible value at byte \(offset)"
        }
    }

    public var description: String { "\(path): \(reason)" }
}
