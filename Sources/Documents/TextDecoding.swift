import Foundation

/// Turns the bytes of a text file into a string: UTF-8 (with or without a byte-order mark),
/// falling back to Latin-1; line endings are normalised to `\n`.
enum TextDecoding {
    static func decode(_ data: Data) -> String {
        var body = data
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        // Latin-1 maps every byte to a code point, so the fallback cannot fail.
        let text = String(data: body, encoding: .utf8) ?? String(data: body, encoding: .isoLatin1) ?? ""
        return text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    /// A heuristic for files without a telling extension: no NUL bytes and few control characters
    /// in the first 8 KiB.
    static func looksLikeText(_ data: Data) -> Bool {
        let head = data.prefix(8192)
        var control = 0
        for byte in head {
            if byte == 0 { return false }
            if byte < 0x20 && ![0x09, 0x0A, 0x0C, 0x0D].contains(byte) { control += 1 }
        }
        return control * 100 <= head.count
    }
}
