import Tensors

/// Reads and checks a GGUF header: magic, version, metadata, tensor infos. Every failure names
/// the byte offset and what was being read.
struct GGUFParser {
    struct Header {
        var version = 0
        var alignment = 32
        var metadata: [String: GGUFFile.Value] = [:]
        var metadataKeys: [String] = []
        /// Where each metadata value (after its type id) starts in the file.
        var valueOffsets: [String: Int] = [:]
        var tensors: [String: GGUFFile.TensorInfo] = [:]
        var tensorNames: [String] = []
        var dataOffset = 0
    }

    static let maximumNesting = 32

    let path: String
    var cursor: GGUFCursor

    init(path: String, bytes: UnsafeRawBufferPointer) {
        self.path = path
        cursor = GGUFCursor(bytes)
    }

    func malformed(_ reason: String) -> ModelError { .malformed(path: path, reason: reason) }

    func truncated(_ what: @autoclosure () -> String) -> ModelError {
        malformed("the file ends at byte \(cursor.bytes.count) while reading \(what()) (at byte \(cursor.offset)); it is truncated")
    }

    mutating func parse() throws(ModelError) -> Header {
        var header = Header()
        guard cursor.bytes.count >= 4 else {
            throw malformed("\(cursor.bytes.count) bytes is too short for a GGUF header")
        }
        guard let magic = cursor.read(UInt32.self), magic == 0x4655_4747 else {  // "GGUF"
            let head = cursor.bytes.prefix(4).map { String($0, radix: 16, uppercase: true) }.joined(separator: " ")
            throw malformed("not a GGUF file: it starts with bytes \(head), not \"GGUF\"")
        }
        guard let version = cursor.read(UInt32.self) else { throw truncated("the version") }
        guard version == 2 || version == 3 else {
            throw malformed("GGUF version \(version) is not supported (only versions 2 and 3 are)")
        }
        header.version = Int(version)
        guard let tensorCount = cursor.read(UInt64.self) else { throw truncated("the tensor count") }
        guard let keyCount = cursor.read(UInt64.self) else { throw truncated("the metadata count") }
        // Each entry takes at least 8 (key length) + 4 (type) bytes; each tensor info at least 24.
        guard keyCount <= UInt64(cursor.remaining / 12) else {
            throw malformed("the header claims \(keyCount) metadata entries, more than the file can hold; it is truncated")
        }
        guard tensorCount <= UInt64(cursor.remaining / 24) else {
            throw malformed("the header claims \(tensorCount) tensors, more than the file can hold; it is truncated")
        }
        try readMetadata(count: Int(keyCount), into: &header)
        try readTensorInfos(count: Int(tensorCount), into: &header)
        return header
    }

    private mutating func readMetadata(count: Int, into header: inout Header) throws(ModelError) {
        header.metadata.reserveCapacity(count)
        for index in 0..<count {
            guard let key = cursor.readString() else { throw truncated("the key of metadata entry \(index)") }
            guard header.metadata[key] == nil else { throw malformed("metadata key \(key) appears twice") }
            guard let type = cursor.read(UInt32.self) else { throw truncated("the type of metadata \(key)") }
            header.valueOffsets[key] = cursor.offset
            header.metadata[key] = try value(of: type, for: key, depth: 0)
            header.metadataKeys.append(key)
        }
        if let value = header.metadata["general.alignment"] {
            guard case .uint32(let alignment) = value, alignment > 0, alignment & (alignment - 1) == 0 else {
                throw malformed("general.alignment is \(value), not a power of two stored as uint32")
            }
            header.alignment = Int(alignment)
        }
    }

    /// The smallest number of bytes a value of `type` takes, or nil for an unknown type.
    static func minimumSize(of type: UInt32) -> Int? {
        switch type {
        case 0, 1, 7: 1
        case 2, 3: 2
        case 4, 5, 6: 4
        case 10, 11, 12: 8
        case 8: 8
        case 9: 12
        default: nil
        }
    }

    private mutating func value(of type: UInt32, for key: String, depth: Int) throws(ModelError) -> GGUFFile.Value {
        func need<T>(_ value: T?) throws(ModelError) -> T {
            guard let value else { throw truncated("the value of metadata \(key)") }
            return value
        }
        switch type {
        case 0: return .uint8(try need(cursor.read(UInt8.self)))
        case 1: return .int8(try need(cursor.read(Int8.self)))
        case 2: return .uint16(try need(cursor.read(UInt16.self)))
        case 3: return .int16(try need(cursor.read(Int16.self)))
        case 4: return .uint32(try need(cursor.read(UInt32.self)))
        case 5: return .int32(try need(cursor.read(Int32.self)))
        case 6: return .float32(try need(cursor.readFloat()))
        case 7: return .bool(try need(cursor.read(UInt8.self)) != 0)
        case 8: return .string(try need(cursor.readString()))
        case 10: return .uint64(try need(cursor.read(UInt64.self)))
        case 11: return .int64(try need(cursor.read(Int64.self)))
        case 12: return .float64(try need(cursor.readDouble()))
        case 9: return try array(for: key, depth: depth)
        default: throw malformed("metadata \(key) has unknown value type \(type) (at byte \(cursor.offset - 4))")
        }
    }

    private mutating func array(for key: String, depth: Int) throws(ModelError) -> GGUFFile.Value {
        guard depth < Self.maximumNesting else {
            throw malformed("metadata \(key) nests arrays more than \(Self.maximumNesting) deep")
        }
        guard let elementType = cursor.read(UInt32.self) else { throw truncated("the element type of metadata \(key)") }
        guard let count = cursor.read(UInt64.self) else { throw truncated("the element count of metadata \(key)") }
        guard let size = Self.minimumSize(of: elementType) else {
            throw malformed("metadata \(key) is an array of unknown value type \(elementType) (at byte \(cursor.offset - 12))")
        }
        guard count <= UInt64(cursor.remaining / size) else {
            throw malformed("metadata \(key) claims \(count) elements but only \(cursor.remaining) bytes remain; it is truncated")
        }
        var elements: [GGUFFile.Value] = []
        elements.reserveCapacity(Int(count))
        if elementType == 8 {
            // The common large case (vocabularies): read strings without the generic dispatch.
            for index in 0..<Int(count) {
                guard let s = cursor.readString() else { throw truncated("element \(index) of \(count) of metadata \(key)") }
                elements.append(.string(s))
            }
        } else {
            for _ in 0..<Int(count) { elements.append(try value(of: elementType, for: key, depth: depth + 1)) }
        }
        return .array(elements)
    }

    private mutating func readTensorInfos(count: Int, into header: inout Header) throws(ModelError) {
        var infos: [(name: String, dims: [Int], type: UInt32, offset: UInt64)] = []
        infos.reserveCapacity(count)
        var seen = Set<String>()
        for index in 0..<count {
            guard let name = cursor.readString() else { throw truncated("the name of tensor \(index)") }
            guard let dimCount = cursor.read(UInt32.self) else { throw truncated("the dimension count of tensor \(name)") }
            guard dimCount <= 4 else { throw malformed("tensor \(name) has \(dimCount) dimensions; GGML allows at most 4") }
            var dims: [Int] = []
            var elements = 1
            for _ in 0..<dimCount {
                guard let dim = cursor.read(UInt64.self) else { throw truncated("the dimensions of tensor \(name)") }
                guard let d = Int(exactly: dim), case (let product, let overflow) = elements.multipliedReportingOverflow(by: d), !overflow else {
                    throw malformed("tensor \(name) has dimension \(dim), too large")
                }
                elements = product
                dims.append(d)
            }
            guard let type = cursor.read(UInt32.self) else { throw truncated("the type of tensor \(name)") }
            guard let offset = cursor.read(UInt64.self) else { throw truncated("the data offset of tensor \(name)") }
            guard seen.insert(name).inserted else { throw malformed("tensor \(name) appears twice") }
            infos.append((name, dims, type, offset))
        }
        let alignment = header.alignment
        header.dataOffset = (cursor.offset + alignment - 1) / alignment * alignment
        let fileSize = cursor.bytes.count
        for info in infos {
            guard info.offset % UInt64(alignment) == 0 else {
                throw malformed("tensor \(info.name) starts at data offset \(info.offset), not a multiple of the alignment \(alignment)")
            }
            var byteCount: Int?
            if let layout = GGMLLayout.of(info.type) {
                let rowLength = info.dims.first ?? 1
                let elements = info.dims.reduce(1, *)
                guard rowLength % layout.blockSize == 0,
                    case (let count, let overflow) = (elements / layout.blockSize).multipliedReportingOverflow(by: layout.bytesPerBlock), !overflow
                else {
                    throw malformed(
                        "tensor \(info.name) of type \(GGMLType.name(of: info.type)) has dimensions \(info.dims): rows of \(rowLength) are not a whole number of \(layout.blockSize)-weight blocks"
                    )
                }
                byteCount = count
            }
            guard let relative = Int(exactly: info.offset), relative <= fileSize else {
                throw malformed(
                    "tensor \(info.name) starts at data offset \(info.offset), past the end of the file (\(fileSize) bytes); it is truncated")
            }
            let start = header.dataOffset + relative
            if start + (byteCount ?? 0) > fileSize {
                throw malformed(
                    "tensor \(info.name) lies at bytes \(start)..<\(start + (byteCount ?? 0)) but the file has \(fileSize); it is truncated")
            }
            header.tensors[info.name] = GGUFFile.TensorInfo(
                name: info.name, dimensions: info.dims, typeID: info.type,
                type: GGMLType(rawValue: info.type), offset: start, byteCount: byteCount)
            header.tensorNames.append(info.name)
        }
    }
}
