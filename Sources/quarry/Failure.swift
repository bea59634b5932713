import QuarryKit

/// The exit codes `quarry` promises.
enum ExitStatus {
    static let ok: Int32 = 0
    static let runtime: Int32 = 1
    static let usage: Int32 = 2
    static let partial: Int32 = 3
}

/// An error already phrased for the user, with the exit code to end with.
struct CLIFailure: Error {
    let message: String
    let code: Int32
}

/// Service-layer errors in the command line's words: request fields as the flags that set them,
/// and the setup script where installing the models is the fix.
enum Failure {
    static func message(_ error: QuarryError) -> String {
        switch error {
        case .invalidOption(let name, let message):
            return "\(flag(name)): \(message)"
        case .model(let model) where model.needsInstall:
            return "\(model); run `bash scripts/setup.sh` to fetch it"
        case .assistant(.model(let model)) where model.needsInstall:
            return "\(model); run `bash scripts/setup.sh` to fetch it"
        default:
            return error.description
        }
    }

    /// `--table` for the field `table`; arguments without a flag keep their name.
    static func flag(_ name: String) -> String {
        ["paths", "guidance"].contains(name) ? name : "--" + name
    }
}
