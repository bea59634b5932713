import Tensors

/// A GGUF file (llama.cpp's model format, versions 2 and 3) read through a memory map: a header
/// of typed metadata and tensor infos, then the aligned tensor data. The whole header is read and
/// checked when the file is opened (every tensor's data must lie inside the file, on the
/// alignment, in whole blocks); tensor bytes are only touched when asked for. Tensors of types
/// Quarry does not read are listed (with `type == nil`) and fail only in `data(of:)`.
///
/// Pointers returned by `data(of:)` are valid while the `GGUFFile` is alive.
public final class GGUFFile: @unchecked Sendable {
    /// One tensor's entry: dimensions in GGML order (ne0 = the contiguous one first).
    public struct TensorInfo: Sendable, Equatable {
        public let name: String
        public let dimensions: [Int]
        /// GGML's type id as stored in the file.
        public let typeID: UInt32
        /// The type, when Quarry reads it.
        public let type: GGMLType?
        /// Absolute file offset of the first byte.
        public let offset: Int
        /// Bytes of data, when GGML defines the type (even one Quarry does not read).
        public let byteCount: Int?

        /// The number of weights.
        public var elementCount: Int { dimensions.reduce(1, *) }
    }

    public let path: String
    /// 2 or 3.
    public let version: Int
    /// `general.alignment`, 32 when absent.
    public let alignment: Int
    public let metadata: [String: Value]
    /// Metadata keys in file order.
    public let metadataKeys: [String]
    public let tensors: [String: TensorInfo]
    /// Tensor names in file order.
    public let tensorNames: [String]
    /// Absolute file offset where the tensor data section starts.
    public let dataOffset: Int
    /// Where each metadata value starts (after its type id), for raw re-reads.
    let valueOffsets: [String: Int]
    let map: MappedFile

    /// Maps and checks `path`; `.missing` when it does not exist, `.malformed` naming where it is damaged.
    public init(path: String) throws(ModelError) {
        self.path = path
        map = try MappedFile(path: path)
        var parser = GGUFParser(path: path, bytes: map.bytes)
        let header = try parser.parse()
        version = header.version
        alignment = header.alignment
        metadata = header.metadata
        metadataKeys = header.metadataKeys
        valueOffsets = header.valueOffsets
        tensors = header.tensors
        tensorNames = header.tensorNames
        dataOffset = header.dataOffset
    }

    /// The tensor's bytes; `.badTensor` when it is absent or its type is one Quarry does not read.
    public func data(of name: String) throws(ModelError) -> (info: TensorInfo, bytes: UnsafeRawPointer) {
        guard let info = tensors[name] else { throw .badTensor(path: path, name: name, reason: "not in the file") }
        guard info.type != nil else {
            throw .badTensor(path: path, name: name, reason: "\(Self.typeLabel(info.typeID)) is not supported")
        }
        guard let base = map.bytes.baseAddress else { throw .badTensor(path: path, name: name, reason: "the file is empty") }
        return (info, base + info.offset)
    }

    /// The whole tensor as floats; F32, F16 and BF16 only (quantised types throw `.badTensor`).
    public func floats(of name: String) throws(ModelError) -> [Float] {
        let (info, pointer) = try data(of: name)
        let count = info.elementCount
        let raw = UnsafeRawBufferPointer(start: pointer, count: info.byteCount ?? 0)
        switch info.type {
        case .f32:
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw)
                initialized = count
            }
        case .f16:
            return (0..<count).map { Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self).littleEndian)) }
        case .bf16:
            return (0..<count).map { Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self).littleEndian) << 16) }
        default:
            throw .badTensor(path: path, name: name, reason: "\(Self.typeLabel(info.typeID)) is quantised, not floating-point")
        }
    }

    /// "type Q5_0", or "type 99" for an id GGML does not name.
    static func typeLabel(_ id: UInt32) -> String {
        let name = GGMLType.name(of: id)
        return name.hasPrefix("type ") ? name : "type \(name)"
    }

    /// The raw bytes of each string in the string array at `key` (no UTF-8 repair), or nil when
    /// the key is absent or not an array of strings. The buffers point into the map.
    func rawStrings(_ key: String) -> [UnsafeRawBufferPointer]? {
        guard let start = valueOffsets[key], case .array(let elements)? = metadata[key] else { return nil }
        var cursor = GGUFCursor(map.bytes, offset: start)
        guard cursor.read(UInt32.self) == 8, let count = cursor.read(UInt64.self), count == UInt64(elements.count) else { return nil }
        var result: [UnsafeRawBufferPointer] = []
        result.reserveCapacity(elements.count)
        for _ in 0..<elements.count {
            guard let range = cursor.readStringRange() else { return nil }
            result.append(UnsafeRawBufferPointer(rebasing: map.bytes[range]))
        }
        return result
    }
}
