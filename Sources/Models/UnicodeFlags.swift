/// The categories llama.cpp's pre-tokenizers give a code point (its `unicode_cpt_flags`): one
/// general-category bit from llama.cpp's own Unicode table (so that Quarry splits text exactly as
/// llama.cpp does, whatever Unicode version Swift ships), plus whitespace from its fixed list.
struct UnicodeFlags: OptionSet, Sendable {
    let rawValue: UInt16

    static let undefined = UnicodeFlags(rawValue: 0x0001)
    static let number = UnicodeFlags(rawValue: 0x0002)  // \p{N}
    static let letter = UnicodeFlags(rawValue: 0x0004)  // \p{L}
    static let separator = UnicodeFlags(rawValue: 0x0008)  // \p{Z}
    static let mark = UnicodeFlags(rawValue: 0x0010)  // \p{M}
    static let punctuation = UnicodeFlags(rawValue: 0x0020)  // \p{P}
    static let symbol = UnicodeFlags(rawValue: 0x0040)  // \p{S}
    static let control = UnicodeFlags(rawValue: 0x0080)  // \p{C}
    static let whitespace = UnicodeFlags(rawValue: 0x0100)  // \s

    /// The flags of `scalar` (nonzero for every code point; zero means "outside the text").
    init(_ scalar: UInt32) {
        var raw = UInt16(Self.category(scalar))
        if Self.isWhitespace(scalar) { raw |= Self.whitespace.rawValue }
        rawValue = raw
    }

    init(rawValue: UInt16) { self.rawValue = rawValue }

    /// llama.cpp's whitespace list (`unicode_set_whitespace`).
    static func isWhitespace(_ c: UInt32) -> Bool {
        switch c {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// The category byte of `c`; code points past U+10FFFF are undefined.
    static func category(_ c: UInt32) -> UInt8 {
        if c < 0x10000 { return table.bmp[Int(c)] }
        guard c < 0x110000 else { return UInt8(undefined.rawValue) }
        // The last range starting at or before c.
        var low = 0, high = table.starts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if table.starts[mid] <= c { low = mid } else { high = mid - 1 }
        }
        return table.categories[low]
    }

    private struct Table {
        var starts: [UInt32] = []
        var categories: [UInt8] = []
        var bmp = [UInt8](repeating: 0, count: 0x10000)
    }

    private static let table: Table = {
        var t = Table()
        for entry in ranges.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let parts = entry.split(separator: ":")
            guard parts.count == 2, let start = UInt32(parts[0], radix: 16), let category = UInt8(parts[1], radix: 16) else { continue }
            t.starts.append(start)
            t.categories.append(category)
        }
        for i in t.starts.indices where t.starts[i] < 0x10000 {
            let end = Int(min(i + 1 < t.starts.count ? t.starts[i + 1] : 0x10000, 0x10000))
            for c in Int(t.starts[i])..<end { t.bmp[c] = t.categories[i] }
        }
        return t
    }()
}
