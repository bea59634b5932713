import Foundation

/// Locations the tests read from: the repository's fixtures and the shared datasets beside it.
enum Paths {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static func fixture(_ relative: String) -> String { repository.appendingPathComponent("Fixtures/" + relative).path }
    static func shared(_ relative: String) -> String {
        repository.deletingLastPathComponent().appendingPathComponent("shared/" + relative).path
    }
}
