import Foundation

/// Where model weights live: `QUARRY_MODELS`, or `~/.cache/quarry/models`, one folder per model,
/// filled by `scripts/models.sh`. Nothing is downloaded at run time.
public enum ModelCache {
    /// The cache folder.
    public static var root: String {
        if let custom = ProcessInfo.processInfo.environment["QUARRY_MODELS"], !custom.isEmpty { return custom }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/quarry/models").path
    }

    /// The folder of one model, e.g. `all-MiniLM-L6-v2`.
    public static func directory(of model: String) -> String {
        (root as NSString).appendingPathComponent(model)
    }

    /// The path of `file` in the model's folder, or `.missing` naming the path.
    public static func file(_ file: String, of model: String, in directory: String? = nil) throws(ModelError) -> String {
        let path = ((directory ?? self.directory(of: model)) as NSString).appendingPathComponent(file)
        guard FileManager.default.fileExists(atPath: path) else { throw .missing(model: model, path: path) }
        return path
    }
}
