import Foundation

/// Appends little-endian values to a byte buffer.
public struct BinaryWriter {
    private var bytes: [UInt8] = []

    public init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// What has been written so far.
    public var data: Data { Data(bytes) }

    public mutating func put<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
    public mutating func put(_ value: Float) { put(value.bitPattern) }
    public mutating func put(_ value: Double) { put(value.bitPattern) }
    public mutating func put(_ value: Bool) { put(UInt8(value ? 1 : 0)) }
    public mutating func put(_ value: Data) { put(UInt32(value.count)); bytes.append(contentsOf: value) }
    public mutating func put(_ value: String) { put(UInt32(value.utf8.count)); bytes.append(contentsOf: value.utf8) }
    public mutating func put(_ value: String?) { put(value != nil); if let value { put(value) } }
    public mutating func put(_ value: Double?) { put(value != nil); if let value { put(value) } }
}

/// Reads what `BinaryWriter` wrote; every read checks the bounds.
public struct BinaryReader {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ data: Data) { bytes = [UInt8](data) }

    public var isAtEnd: Bool { offset == bytes.count }

    public mutating func get<T: FixedWidthInteger>(_: T.Type = T.self) throws(DocumentError) -> T {
        let size = MemoryLayout<T>.size
        guard offset + size <= bytes.count else { throw .malformedBinary(offset: offset) }
        var value: T = 0
        for i in 0..<size { value |= T(truncatingIfNeeded: bytes[offset + i]) << (8 * i) }
        offset += size
        return value
    }
    public mutating func float() throws(DocumentError) -> Float { Float(bitPattern: try get(UInt32.self)) }
    public mutating func double() throws(DocumentError) -> Double { Double(bitPattern: try get(UInt64.self)) }
    public mutating func bool() throws(DocumentError) -> Bool { try get(UInt8.self) != 0 }
    public mutating func data() throws(DocumentError) -> Data {
        let count = Int(try get(UInt32.self))
        guard offset + count <= bytes.count else { throw .malformedBinary(offset: offset) }
        defer { offset += count }
        return Data(bytes[offset..<offset + count])
    }
    public mutating func string() throws(DocumentError) -> String { String(decoding: try data(), as: UTF8.self) }
    public mutating func optionalString() throws(DocumentError) -> String? { try bool() ? try string() : nil }
    public mutating func optionalDouble() throws(DocumentError) -> Double? { try bool() ? try double() : nil }
}

/// The byte layout of word boxes (as stored in `pages.word_boxes`): one 24-byte little-endian record
/// per word, `start: u32, end: u32, x0: f32, y0: f32, x1: f32, y1: f32` (offsets in code points,
/// box in points from the page's top-left corner).
public enum WordBoxCoding {
    public static func encode(_ words: [WordBox]) -> Data {
        var w = BinaryWriter(capacity: words.count * 24)
        for word in words {
            w.put(UInt32(word.start)); w.put(UInt32(word.end))
            w.put(word.box.x0); w.put(word.box.y0); w.put(word.box.x1); w.put(word.box.y1)
        }
        return w.data
    }

    /// Decodes records; a trailing partial record is ignored.
    public static func decode(_ data: Data) -> [WordBox] {
        var r = BinaryReader(data)
        var words: [WordBox] = []
        while let start = try? r.get(UInt32.self), let end = try? r.get(UInt32.self),
            let x0 = try? r.float(), let y0 = try? r.float(), let x1 = try? r.float(), let y1 = try? r.float()
        {
            words.append(WordBox(start: Int(start), end: Int(end), box: Box(x0: x0, y0: y0, x1: x1, y1: y1)))
        }
        return words
    }
}

extension Document {
    /// A compact binary form, for handing parsed documents between processes.
    public func encoded() -> Data {
        var w = BinaryWriter()
        w.put(kind.rawValue)
        let m = metadata
        for s in [m.title, m.author, m.subject, m.keywords, m.creator, m.producer, m.formatVersion] { w.put(s) }
        w.put(m.createdAt?.timeIntervalSince1970); w.put(m.modifiedAt?.timeIntervalSince1970)
        w.put(UInt32(pages.count))
        for p in pages {
            w.put(UInt32(p.number)); w.put(p.text); w.put(p.width); w.put(p.height)
            w.put(WordBoxCoding.encode(p.words))
        }
        return w.data
    }

    /// Reads what `encoded()` wrote.
    public init(decoding data: Data) throws(DocumentError) {
        var r = BinaryReader(data)
        guard let kind = DocumentKind(rawValue: try r.string()) else { throw .malformedBinary(offset: 0) }
        var strings: [String?] = []
        for _ in 0..<7 { strings.append(try r.optionalString()) }
        let created = try r.optionalDouble(), modified = try r.optionalDouble()
        let metadata = DocumentMetadata(
            title: strings[0], author: strings[1], subject: strings[2], keywords: strings[3],
            creator: strings[4], producer: strings[5],
            createdAt: created.map(Date.init(timeIntervalSince1970:)),
            modifiedAt: modified.map(Date.init(timeIntervalSince1970:)),
            formatVersion: strings[6])
        let count = Int(try r.get(UInt32.self))
        var pages: [Page] = []
        for _ in 0..<count {
            let number = Int(try r.get(UInt32.self))
            let text = try r.string()
            let width = try r.optionalDouble(), height = try r.optionalDouble()
            pages.append(
                Page(
                    number: number, text: text, width: width, height: height,
                    words: WordBoxCoding.decode(try r.data())))
        }
        self.init(kind: kind, pages: pages, metadata: metadata)
    }
}
