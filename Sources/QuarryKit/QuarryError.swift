import Store

/// Errors of the pipeline layer, each naming what the user has to fix.
public enum QuarryError: Error, Sendable, CustomStringConvertible {
    case noSuchPath(String)
    case pipeline(file: String, line: Int?, key: String?, message: String)
    case store(StoreError)

    public var description: String {
        switch self {
        case .noSuchPath(let p): "no such file or folder: \(p)"
        case .pipeline(let file, let line, let key, let message):
            "\(file)\(line.map { ":\($0)" } ?? "")\(key.map { ": key '\($0)'" } ?? ""): \(message)"
        case .store(let e): e.description
        }
    }
}
