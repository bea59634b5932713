/// Everything that can go wrong loading or running a model, with the file it concerns.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    /// A model folder or one of its files is missing.
    case missing(model: String, path: String)
    /// A weights or tokenizer file is malformed; `reason` says where.
    case malformed(path: String, reason: String)
    /// A tensor the model needs is absent or has the wrong shape or type.
    case badTensor(path: String, name: String, reason: String)
    /// The input cannot be run (for example, an empty batch where one is required).
    case invalidInput(String)

    /// True when installing the models again (the setup script) is the fix.
    public var needsInstall: Bool {
        switch self {
        case .missing, .malformed: true
        case .badTensor, .invalidInput: false
        }
    }

    public var description: String {
        switch self {
        case .missing(let model, let path):
            return "model \(model) is not installed (\(path) is missing)"
        case .malformed(let path, let reason):
            return "\(path) is damaged: \(reason)"
        case .badTensor(let path, let name, let reason):
            return "\(path): tensor \(name): \(reason)"
        case .invalidInput(let reason):
            return reason
        }
    }
}
