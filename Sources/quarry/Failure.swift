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
        case .assistant(.invalidFilter(let name, let message)):
            return "\(flag(name)): \(message)" + (name == "document" ? " (quarry documents lists them)" : "")
        case .assistant(.noVectors(let model)):
            return "no chunk has a vector from \(model) yet; ingest with the model installed (without --no-embed), or use --mode lexical"
        case .noSuchTable(let name, let database):
            return "no table \(name) in \(database); make it with quarry extract (or name its schema with --schema)"
        case .store(let store):
            return message(store)
        case .model(let model) where model.needsInstall:
            return "\(model); run `bash scripts/setup.sh` to fetch it"
        case .assistant(.model(let model)) where model.needsInstall:
            return "\(model); run `bash scripts/setup.sh` to fetch it"
        default:
            return error.description
        }
    }

    /// The store's errors with the commands and flags that fix them.
    static func message(_ error: StoreError) -> String {
        switch error {
        case .missingDatabase(let path): "\(error) (create one with `quarry ingest PATH --db \(path)`)"
        case .notReadOnly(let sql): "`quarry query` only reads; this statement would write: \(sql)"
        case .incompatibleTable(let name, let reason):
            "the table \(name) cannot take this schema: \(reason); extract into a new table with --table \(name)_v2, "
                + "or rebuild it with --replace (this deletes its rows)"
        case .unknownTable(let name): "\(error) (run `quarry extract` with --table \(name) first)"
        case .unknownModelVersion: "\(error) (see `quarry models list`)"
        default: error.description
        }
    }

    /// `--table` for the field `table`; arguments without a flag keep their name.
    static func flag(_ name: String) -> String {
        ["paths", "guidance"].contains(name) ? name : "--" + name
    }
}
