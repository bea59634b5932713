/// GPT-2's reversible byte ↔ code point map: byte-level BPE vocabularies spell every byte as a
/// printable character (`!`…`~`, `¡`…`¬`, `®`…`ÿ` stand for themselves; the other 68 bytes, space
/// and controls among them, become U+0100… in byte order, so a space is `Ġ`).
enum ByteLevel {
    /// The code point standing for each byte.
    static let scalarOfByte: [UInt32] = {
        var map = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            if (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b) {
                map[b] = UInt32(b)
            } else {
                map[b] = next
                next += 1
            }
        }
        return map
    }()

    /// The byte each code point below U+0144 stands for (-1 for none).
    private static let byteOfScalar: [Int16] = {
        var map = [Int16](repeating: -1, count: 0x144)
        for (b, s) in scalarOfByte.enumerated() { map[Int(s)] = Int16(b) }
        return map
    }()

    /// The byte `scalar` stands for, or nil when it stands for none.
    static func byte(of scalar: UInt32) -> UInt8? {
        guard scalar < 0x144 else { return nil }
        let b = byteOfScalar[Int(scalar)]
        return b < 0 ? nil : UInt8(b)
    }

    /// The raw bytes a byte-level token text spells, or nil when a character stands for no byte.
    static func decode(_ text: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        for scalar in String(decoding: text, as: UTF8.self).unicodeScalars {
            guard let b = byte(of: scalar.value) else { return nil }
            out.append(b)
        }
        // Invalid UTF-8 decodes to U+FFFD, which stands for no byte, so it is rejected above.
        return out
    }

    /// The UTF-8 of the byte-level spelling of `bytes`.
    static func encode<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var out: [UInt8] = []
        for b in bytes {
            let s = scalarOfByte[Int(b)]
            if s < 0x80 { out.append(UInt8(s)) } else { out.append(UInt8(0xC0 | (s >> 6))); out.append(UInt8(0x80 | (s & 0x3F))) }
        }
        return out
    }
}
