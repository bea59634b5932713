import Foundation
import Tensors

/// A safetensors file read through a memory map: an 8-byte little-endian header length, a JSON
/// header naming each tensor's dtype, shape and byte range, then the raw data. Nothing is read
/// until a tensor is asked for, and every range is checked against the file first.
public final class SafetensorsFile: @unchecked Sendable {
    /// One tensor's entry in the header.
    public struct Entry: Sendable, Equatable {
        public let dtype: String
        public let shape: [Int]
        /// Byte range within the data section.
        public let range: Range<Int>
    }

    public let path: String
    /// Every tensor in the file by name.
    public let entries: [String: Entry]
    /// The optional `__metadata__` strings.
    public let metadata: [String: String]
    private let map: MappedFile
    private let dataStart: Int

    public init(path: String) throws(ModelError) {
        self.path = path
        map = try MappedFile(path: path)
        let bytes = map.bytes
        guard bytes.count >= 8 else { throw .malformed(path: path, reason: "\(bytes.count) bytes is too short for a safetensors header") }
        let headerLength = bytes.loadUnaligned(as: UInt64.self).littleEndian
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw .malformed(path: path, reason: "the header claims \(headerLength) bytes but the file has \(bytes.count); it is truncated")
        }
        dataStart = 8 + Int(headerLength)
        let header = Data(bytes[8..<dataStart])
        guard let json = try? JSONSerialization.jsonObject(with: header) as? [String: Any] else {
            throw .malformed(path: path, reason: "the header is not a JSON object")
        }
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        let dataLength = bytes.count - dataStart
        for (name, value) in json {
            if name == "__metadata__" {
                metadata = (value as? [String: String]) ?? [:]
                continue
            }
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int], offsets.count == 2
            else {
                throw .malformed(path: path, reason: "the header entry for \(name) lacks dtype, shape or data_offsets")
            }
            let range = offsets[0]..<max(offsets[0], offsets[1])
            guard offsets[0] >= 0, offsets[1] >= offsets[0], offsets[1] <= dataLength else {
                throw .malformed(
                    path: path,
                    reason: "tensor \(name) lies at bytes \(offsets[0])..<\(offsets[1]) but the data has \(dataLength); the file is truncated")
            }
            if let size = Self.elementSize(dtype), shape.reduce(1, *) * size != range.count {
                throw .malformed(path: path, reason: "tensor \(name) has shape \(shape) of \(dtype) but \(range.count) bytes")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, range: range)
        }
        self.entries = entries
        self.metadata = metadata
    }

    static func elementSize(_ dtype: String) -> Int? {
        switch dtype {
        case "F64", "I64", "U64": 8
        case "F32", "I32", "U32": 4
        case "F16", "BF16", "I16", "U16": 2
        case "I8", "U8", "BOOL": 1
        default: nil
        }
    }

    /// A tensor as `Float`s (F32, F16 and BF16 are converted), checked against `shape` when given.
    public func floats(_ name: String, shape expected: [Int]? = nil) throws(ModelError) -> [Float] {
        guard let entry = entries[name] else { throw .badTensor(path: path, name: name, reason: "not in the file") }
        if let expected, expected != entry.shape {
            throw .badTensor(path: path, name: name, reason: "shape \(entry.shape), expected \(expected)")
        }
        let raw = UnsafeRawBufferPointer(rebasing: map.bytes[(dataStart + entry.range.lowerBound)..<(dataStart + entry.range.upperBound)])
        let count = entry.shape.reduce(1, *)
        switch entry.dtype {
        case "F32":
            // The file is little-endian, as is every machine Quarry runs on: copy the bytes.
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw)
                initialized = count
            }
        case "F16":
            return (0..<count).map { Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self).littleEndian)) }
        case "BF16":
            return (0..<count).map { Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self).littleEndian) << 16) }
        default:
            throw .badTensor(path: path, name: name, reason: "dtype \(entry.dtype) is not a floating-point type")
        }
    }

    /// A 2-D tensor as a matrix.
    public func matrix(_ name: String, rows: Int, cols: Int) throws(ModelError) -> Matrix {
        Matrix(rows: rows, cols: cols, values: try floats(name, shape: [rows, cols]))
    }
}

/// A whole file mapped read-only into memory (Foundation's `.mappedIfSafe` reads it instead on Linux).
final class MappedFile: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer

    init(path: String) throws(ModelError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw errno == ENOENT
                ? .missing(model: (path as NSString).deletingLastPathComponent, path: path)
                : .malformed(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .malformed(path: path, reason: String(cString: strerror(errno))) }
        let size = Int(info.st_size)
        guard size > 0 else { bytes = UnsafeRawBufferPointer(start: nil, count: 0); return }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw .malformed(path: path, reason: "cannot map it: \(String(cString: strerror(errno)))")
        }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
