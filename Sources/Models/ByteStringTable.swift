/// A hash map from byte strings to small integers (token ids), looked up without allocating.
/// Keys are compared byte for byte, never as Swift `String`s (which would treat canonically
/// equivalent spellings, "é" and "e\u{301}", as one key where a vocabulary has two tokens).
struct ByteStringTable: Sendable {
    private var bytes: [UInt8] = []
    private var starts: [Int] = [0]
    private var values: [Int32] = []
    private var slots: [Int32]
    private var mask: Int

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    var count: Int { values.count }

    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    private func key(_ entry: Int) -> ArraySlice<UInt8> { bytes[starts[entry]..<starts[entry + 1]] }

    private func slot(of key: UnsafeBufferPointer<UInt8>) -> (slot: Int, entry: Int?) {
        var i = Self.hash(key) & mask
        while true {
            let entry = Int(slots[i])
            if entry < 0 { return (i, nil) }
            let stored = self.key(entry)
            if stored.count == key.count && stored.elementsEqual(key) { return (i, entry) }
            i = (i + 1) & mask
        }
    }

    /// The value of `key`.
    func find(_ key: UnsafeBufferPointer<UInt8>) -> Int32? {
        slot(of: key).entry.map { values[$0] }
    }

    func find(_ key: [UInt8]) -> Int32? { key.withUnsafeBufferPointer { find($0) } }

    /// Sets `key` to `value`, replacing an existing value only when `replace` is true.
    mutating func insert(_ key: [UInt8], _ value: Int32, replace: Bool = true) {
        key.withUnsafeBufferPointer { buffer in
            let (slot, entry) = slot(of: buffer)
            if let entry {
                if replace { values[entry] = value }
                return
            }
            slots[slot] = Int32(values.count)
            bytes.append(contentsOf: buffer)
            starts.append(bytes.count)
            values.append(value)
        }
        if values.count * 2 > slots.count { grow() }
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        mask = slots.count - 1
        for entry in values.indices {
            let h = bytes.withUnsafeBufferPointer { all in
                Self.hash(UnsafeBufferPointer(rebasing: all[starts[entry]..<starts[entry + 1]]))
            }
            var i = h & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(entry)
        }
    }
}
