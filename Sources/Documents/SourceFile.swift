internal import CPoppler
import Foundation

/// The bytes of a file on disk, memory-mapped, with their SHA-256.
public struct SourceFile: Sendable {
    public let path: String
    public let bytes: Data
    /// Lower-case hex SHA-256 of the bytes: the document's content identity.
    public let sha256: String

    /// Maps and hashes the file at `path`.
    public init(path: String) throws(DocumentError) {
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw .unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        self.path = path
        self.sha256 = SourceFile.sha256(of: bytes)
    }

    /// Hex SHA-256 of some bytes.
    public static func sha256(of data: Data) -> String {
        let checksum = g_checksum_new(G_CHECKSUM_SHA256)
        defer { g_checksum_free(checksum) }
        data.withUnsafeBytes { raw in
            if let base = raw.baseAddress?.assumingMemoryBound(to: guchar.self), raw.count > 0 {
                g_checksum_update(checksum, base, gssize(raw.count))
            }
        }
        return String(cString: g_checksum_get_string(checksum))
    }

    /// The kind the file holds, from its extension and, failing that, from its first bytes.
    public func detectKind() throws(DocumentError) -> DocumentKind {
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "pdf" || bytes.starts(with: Array("%PDF-".utf8)) { return .pdf }
        if TextDecoding.looksLikeText(bytes) { return ["md", "markdown"].contains(ext) ? .markdown : .text }
        throw .unsupportedFile(path: path, reason: Self.describeBinary(bytes))
    }

    /// Names what a binary file probably is, and what to do about it.
    static func describeBinary(_ bytes: Data) -> String {
        let images: [[UInt8]] = [
            [0x89, 0x50, 0x4E, 0x47], [0xFF, 0xD8, 0xFF], [0x47, 0x49, 0x46, 0x38],
            [0x49, 0x49, 0x2A, 0x00], [0x4D, 0x4D, 0x00, 0x2A],
        ]
        if images.contains(where: { bytes.starts(with: $0) }) {
            return "an image; Quarry reads text layers and does not do OCR"
        }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            return "a ZIP-based file (e.g. an office document); convert it to PDF first"
        }
        return "binary content; Quarry reads PDF, plain text and Markdown"
    }
}
