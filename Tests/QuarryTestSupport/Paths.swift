import Foundation
import Testing

/// Where the tests read and write: the repository (found from this file's path), its fixtures,
/// the committed tiny model, the shared datasets beside the repository and scratch folders.
public enum Paths {
    /// The repository's root folder (this file is `Tests/QuarryTestSupport/Paths.swift`).
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `Fixtures/`.
    public static let fixtures = repository.appendingPathComponent("Fixtures")

    /// The path of `Fixtures/<relative>`.
    public static func fixture(_ relative: String) -> String { fixtures.appendingPathComponent(relative).path }

    /// The committed tiny random llama model (vocabulary mostly single bytes), `Tests/ModelsTests/Golden/tiny-llama.gguf`.
    public static let tinyModel = repository.appendingPathComponent("Tests/ModelsTests/Golden/tiny-llama.gguf").path

    /// `../shared/data`: the datasets beside the repository, present on some machines only.
    public static let sharedData = repository.deletingLastPathComponent().appendingPathComponent("shared/data")

    /// Whether every one of `folders` (relative to ``sharedData``) is present.
    public static func hasSharedData(_ folders: [String]) -> Bool {
        folders.allSatisfy { FileManager.default.fileExists(atPath: sharedData.appendingPathComponent($0).path) }
    }

    public static let sharedDataMissing: Comment = "../shared/data is absent: skipping the checks on the shared datasets"

    /// A new empty folder in the temporary directory, named `<prefix>-<UUID>`.
    public static func scratch(_ prefix: String = "quarry") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(prefix + "-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
