import Foundation
import Models
import Testing

/// The models in the cache (`QUARRY_MODELS` or `~/.cache/quarry/models`, filled by
/// `bash scripts/setup.sh`): tests that need one are disabled where it is absent, e.g.
/// `@Test(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing))`.
public enum TestModels {
    /// The installed sentence encoder (all-MiniLM-L6-v2), loaded once, or nil.
    public static let encoder: SentenceEncoder? = try? SentenceEncoder()
    public static var encoderInstalled: Bool { encoder != nil }
    public static var encoderMissing: Comment {
        "the model \(SentenceEncoder.defaultModel) is not in \(ModelCache.root): run bash scripts/setup.sh"
    }

    /// The default language model's file (SmolLM2-135M-Instruct), or nil when it is not in the cache.
    /// Each suite loads its own `LanguageModel` (a model's settings, such as its BLAS batch
    /// threshold, are mutable).
    public static let smolLM2Path: String? = try? LanguageModel.defaultPath()
    public static var smolInstalled: Bool { smolLM2Path != nil }
    public static var smolMissing: Comment {
        "\(LanguageModel.defaultFile) is not in \(ModelCache.directory(of: LanguageModel.defaultName)): run bash scripts/setup.sh"
    }
}
