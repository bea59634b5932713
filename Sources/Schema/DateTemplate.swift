/// The character-by-character grammar of the date strings a constraint writes: `YYYY-MM-DD`
/// (a real calendar date, year 0001–9999) and `YYYY-MM-DDTHH:MM:SS` followed by `Z` or `±HH:MM`
/// (what `ValueParser.dateTime` reads). Every prefix it allows can be completed.
package enum DateTemplate {
    /// Position after a complete date.
    package static let dateEnd: Int32 = 10
    /// Position after a complete date-time.
    package static let dateTimeEnd: Int32 = 25

    /// Takes character `c` at `position`; `value` packs the year (bits 0–13), the month (14–17)
    /// and the first digit of a two-digit field (18–21).
    package static func take(_ c: UInt32, position: inout Int32, value: inout UInt32, withTime: Bool) -> Bool {
        let digit: UInt32? = (0x30...0x39).contains(c) ? c - 0x30 : nil
        var year: UInt32 { value & 0x3FFF }
        var month: UInt32 { value >> 14 & 0xF }
        var first: UInt32 { value >> 18 & 0xF }
        func setFirst(_ d: UInt32) { value = value & 0x3FFFF | d << 18 }
        switch position {
        case 0, 1, 2, 3:
            guard let digit else { return false }
            let y = year * 10 + digit
            if position == 3 && y == 0 { return false }
            value = value & ~0x3FFF | y
        case 4, 7:
            guard c == UInt32(UInt8(ascii: "-")) else { return false }
        case 5:
            guard let digit, digit <= 1 else { return false }
            setFirst(digit)
        case 6:
            guard let digit else { return false }
            let m = first * 10 + digit
            guard (1...12).contains(m) else { return false }
            value = value & 0x3FFF | m << 14
        case 8:
            guard let digit, Int(digit) * 10 <= LocalDate.days(inMonth: Int(month), year: Int(year)) else { return false }
            setFirst(digit)
        case 9:
            guard let digit else { return false }
            let d = Int(first * 10 + digit)
            guard d >= 1, d <= LocalDate.days(inMonth: Int(month), year: Int(year)) else { return false }
            value = value & 0x3FFFF
        case 10:
            guard withTime, c == UInt32(UInt8(ascii: "T")) else { return false }
        case 11, 20:
            guard let digit, digit <= 2 else { return false }
            setFirst(digit)
        case 12, 21:
            guard let digit, first * 10 + digit <= 23 else { return false }
        case 13, 16, 22:
            guard c == UInt32(UInt8(ascii: ":")) else { return false }
        case 14, 17, 23:
            guard let digit, digit <= 5 else { return false }
        case 15, 18, 24:
            guard digit != nil else { return false }
        case 19:
            if c == UInt32(UInt8(ascii: "Z")) { position = dateTimeEnd; return true }
            guard c == UInt32(UInt8(ascii: "+")) || c == UInt32(UInt8(ascii: "-")) else { return false }
        default:
            return false
        }
        position += 1
        return true
    }
}
