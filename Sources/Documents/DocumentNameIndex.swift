/// Finds a document by the name a person gives it: its path, or its file name with case and a
/// short extension forgiven (`Report.PDF`, `report`), as gold files and filters name documents.
public struct DocumentNameIndex: Sendable {
    private var byName: [String: String] = [:]
    private var byStem: [String: String] = [:]

    public init(_ keys: some Sequence<String>) {
        for key in keys.sorted() {
            let name = Self.name(key)
            if byName[name] == nil { byName[name] = key }
            if byStem[Self.stem(name)] == nil { byStem[Self.stem(name)] = key }
        }
    }

    /// The path a name refers to (the first in path order when several share the name).
    public func match(_ document: String) -> String? {
        let name = Self.name(document)
        return byName[name] ?? byStem[Self.stem(name)]
    }

    /// The last path component, lowercased.
    public static func name(_ path: String) -> String {
        (path.split(separator: "/").last.map(String.init) ?? path).lowercased()
    }

    /// The name without an extension of 1–5 letters or digits (`report.pdf` → `report`;
    /// `ex-99.01-joint filing agreement` has none).
    public static func stem(_ name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        let ext = name[name.index(after: dot)...]
        return (1...5).contains(ext.count) && ext.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) ? String(name[..<dot]) : name
    }
}
