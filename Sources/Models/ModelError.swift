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

    public var description: String {
        switch self {
        case .missing(let model, let path):
            return "model \(model) is not installed (\(path) is missing); run `bash scripts/setup.sh` to fetch it"
        case .malformed(let path, let reason):
            return "\(path) is damaged: \(reason); run `bash scripts/setup.sh` to fetch it again"
        case .badTensor(let path, let name, let reason):
            return "\(path): tensor \(name): \(reason)"
        case .invalidInput(let reason):
            return reason
        }
    }
}
