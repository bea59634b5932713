/// A forward-only reader over the bytes of a GGUF file (little-endian). Every read checks the
/// remaining length and returns nil when the file ends early; callers say what they were reading.
struct GGUFCursor {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    mutating func read<T: FixedWidthInteger>(_: T.Type) -> T? {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { return nil }
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += size
        return T(littleEndian: value)
    }

    mutating func readFloat() -> Float? { read(UInt32.self).map { Float(bitPattern: $0) } }
    mutating func readDouble() -> Double? { read(UInt64.self).map { Double(bitPattern: $0) } }

    /// A length-prefixed string's byte range, without copying.
    mutating func readStringRange() -> Range<Int>? {
        guard let length = read(UInt64.self), length <= UInt64(remaining) else { return nil }
        let start = offset
        offset += Int(length)
        return start..<offset
    }

    /// A length-prefixed UTF-8 string (invalid sequences become U+FFFD).
    mutating func readString() -> String? {
        guard let range = readStringRange() else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, remaining >= count else { return false }
        offset += count
        return true
    }
}
