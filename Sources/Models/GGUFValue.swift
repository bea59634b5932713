extension GGUFFile {
    /// A metadata value of any GGUF type.
    public enum Value: Sendable, Equatable {
        case uint8(UInt8)
        case int8(Int8)
        case uint16(UInt16)
        case int16(Int16)
        case uint32(UInt32)
        case int32(Int32)
        case uint64(UInt64)
        case int64(Int64)
        case float32(Float)
        case float64(Double)
        case bool(Bool)
        case string(String)
        case array([Value])

        /// The value as an `Int` when it is an integer that fits.
        public var int: Int? {
            switch self {
            case .uint8(let v): Int(v)
            case .int8(let v): Int(v)
            case .uint16(let v): Int(v)
            case .int16(let v): Int(v)
            case .uint32(let v): Int(v)
            case .int32(let v): Int(v)
            case .uint64(let v): Int(exactly: v)
            case .int64(let v): Int(v)
            default: nil
            }
        }

        /// The value as a `Float` when it is a number.
        public var float: Float? {
            switch self {
            case .float32(let v): v
            case .float64(let v): Float(v)
            default: int.map { Float($0) }
            }
        }

        /// The string, when the value is one.
        public var string: String? {
            if case .string(let s) = self { return s }
            return nil
        }

        /// The elements, when the value is an array.
        public var array: [Value]? {
            if case .array(let a) = self { return a }
            return nil
        }

        /// GGUF's type id for the value (8 = string, 9 = array, …).
        var typeID: UInt32 {
            switch self {
            case .uint8: 0
            case .int8: 1
            case .uint16: 2
            case .int16: 3
            case .uint32: 4
            case .int32: 5
            case .float32: 6
            case .bool: 7
            case .string: 8
            case .array: 9
            case .uint64: 10
            case .int64: 11
            case .float64: 12
            }
        }
    }

    /// The string value of `key`.
    public func string(_ key: String) -> String? { metadata[key]?.string }
    /// The integer value of `key` (any integer type that fits an `Int`).
    public func int(_ key: String) -> Int? { metadata[key]?.int }
    /// The numeric value of `key` as a `Float`.
    public func float(_ key: String) -> Float? { metadata[key]?.float }
    /// The boolean value of `key`.
    public func bool(_ key: String) -> Bool? {
        if case .bool(let b)? = metadata[key] { return b }
        return nil
    }

    /// The array of strings at `key`; nil when absent or when any element is not a string.
    public func strings(_ key: String) -> [String]? { elements(key) { $0.string } }
    /// The array of numbers at `key` as `Float`s.
    public func floats(_ key: String) -> [Float]? { elements(key) { $0.float } }
    /// The array of integers at `key`.
    public func ints(_ key: String) -> [Int]? { elements(key) { $0.int } }

    private func elements<T>(_ key: String, _ convert: (Value) -> T?) -> [T]? {
        guard let array = metadata[key]?.array else { return nil }
        var result: [T] = []
        result.reserveCapacity(array.count)
        for element in array {
            guard let value = convert(element) else { return nil }
            result.append(value)
        }
        return result
    }
}
