import Foundation
import Documents

/// The byte layout of `pages.word_boxes`: one 24-byte little-endian record per word,
/// `start: u32, end: u32, x0: f32, y0: f32, x1: f32, y1: f32` (offsets in code points, box in points
/// from the page's top-left corner).
public enum WordBoxCoding {
    static let recordSize = 24

    public static func encode(_ words: [WordBox]) -> Data {
        var data = Data(capacity: words.count * recordSize)
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        for w in words {
            put(UInt32(w.start)); put(UInt32(w.end))
            for f in [w.box.x0, w.box.y0, w.box.x1, w.box.y1] { put(f.bitPattern) }
        }
        return data
    }

    /// Decodes records; a trailing partial record is ignored.
    public static func decode(_ data: Data) -> [WordBox] {
        let bytes = [UInt8](data)
        func u32(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
        }
        return stride(from: 0, to: bytes.count - recordSize + 1, by: recordSize).map { o in
            WordBox(start: Int(u32(o)), end: Int(u32(o + 4)),
                    box: Box(x0: Float(bitPattern: u32(o + 8)), y0: Float(bitPattern: u32(o + 12)),
                             x1: Float(bitPattern: u32(o + 16)), y1: Float(bitPattern: u32(o + 20))))
        }
    }
}
