import Foundation

@testable import Models

/// Writes small GGUF files by hand for tests, including deliberately broken ones.
struct GGUFBuilder {
    var magic: [UInt8] = Array("GGUF".utf8)
    var version: UInt32 = 3
    var alignment = 32
    var entries: [(key: String, value: GGUFFile.Value)] = []
    var tensors: [(name: String, dims: [Int], type: UInt32, data: [UInt8], offset: UInt64?)] = []

    mutating func add(_ key: String, _ value: GGUFFile.Value) { entries.append((key, value)) }

    /// Adds a tensor; its data offset is the next aligned one unless `offset` is given.
    mutating func tensor(_ name: String, _ dims: [Int], type: UInt32, data: [UInt8], offset: UInt64? = nil) {
        tensors.append((name, dims, type, data, offset))
    }

    static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    static func string(_ s: String) -> [UInt8] { le(UInt64(s.utf8.count)) + Array(s.utf8) }

    static func encode(_ value: GGUFFile.Value) -> [UInt8] {
        switch value {
        case .uint8(let v): return [v]
        case .int8(let v): return le(v)
        case .uint16(let v): return le(v)
        case .int16(let v): return le(v)
        case .uint32(let v): return le(v)
        case .int32(let v): return le(v)
        case .uint64(let v): return le(v)
        case .int64(let v): return le(v)
        case .float32(let v): return le(v.bitPattern)
        case .float64(let v): return le(v.bitPattern)
        case .bool(let v): return [v ? 1 : 0]
        case .string(let s): return string(s)
        case .array(let elements):
            let type = elements.first?.typeID ?? 8
            return le(type) + le(UInt64(elements.count)) + elements.flatMap(encode)
        }
    }

    /// The file's bytes.
    func bytes() -> [UInt8] {
        var out = magic + Self.le(version) + Self.le(UInt64(tensors.count)) + Self.le(UInt64(entries.count))
        for (key, value) in entries { out += Self.string(key) + Self.le(value.typeID) + Self.encode(value) }
        var next: UInt64 = 0
        var offsets: [UInt64] = []
        for t in tensors {
            let offset = t.offset ?? next
            offsets.append(offset)
            next = (offset + UInt64(t.data.count) + UInt64(alignment) - 1) / UInt64(alignment) * UInt64(alignment)
            out += Self.string(t.name) + Self.le(UInt32(t.dims.count)) + t.dims.flatMap { Self.le(UInt64($0)) }
            out += Self.le(t.type) + Self.le(offset)
        }
        let dataStart = (out.count + alignment - 1) / alignment * alignment
        out += [UInt8](repeating: 0, count: dataStart - out.count)
        for (t, offset) in zip(tensors, offsets) {
            let at = dataStart + Int(offset)
            if out.count < at { out += [UInt8](repeating: 0, count: at - out.count) }
            if out.count < at + t.data.count { out += [UInt8](repeating: 0, count: at + t.data.count - out.count) }
            out.replaceSubrange(at..<(at + t.data.count), with: t.data)
        }
        return out
    }

    /// Writes `bytes` (default: the file) to a temporary path.
    func write(_ bytes: [UInt8]? = nil) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("quarry-gguf-\(UUID().uuidString).gguf").path
        try Data(bytes ?? self.bytes()).write(to: URL(fileURLWithPath: path))
        return path
    }
}
