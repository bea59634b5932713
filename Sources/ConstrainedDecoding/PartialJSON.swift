import Foundation
import Schema

/// Reads the complete part of an unfinished JSON text, as a generation cut off by its token budget
/// leaves it: objects keep their finished members, arrays their finished items, and an unfinished
/// value is dropped. Values come out as `JSONSerialization` gives them (strings, `NSNumber`,
/// `NSNull`, arrays, dictionaries). A complete text reads as `JSONSerialization` reads it.
package enum PartialJSON {
    package static func parse(_ text: String) -> Any? {
        if let whole = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) { return whole }
        var reader = Reader(bytes: Array(text.utf8))
        return reader.value()
    }

    private struct Reader {
        let bytes: [UInt8]
        var at = 0

        mutating func skipSpace() {
            while at < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[at]) { at += 1 }
        }

        /// The value at `at`, or nil when it is unfinished; a container cut off inside returns what it finished.
        mutating func value() -> Any? {
            skipSpace()
            guard at < bytes.count else { return nil }
            switch bytes[at] {
            case UInt8(ascii: "{"): return object()
            case UInt8(ascii: "["): return array()
            case UInt8(ascii: "\""): return string()
            default: return scalar()
            }
        }

        mutating func object() -> [String: Any] {
            var result: [String: Any] = [:]
            at += 1
            while true {
                skipSpace()
                guard at < bytes.count, bytes[at] != UInt8(ascii: "}") else { at += 1; return result }
                if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                guard let key = string() else { return result }
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { return result }
                at += 1
                guard let item = value() else { return result }
                result[key] = item
            }
        }

        mutating func array() -> [Any] {
            var result: [Any] = []
            at += 1
            while true {
                skipSpace()
                guard at < bytes.count, bytes[at] != UInt8(ascii: "]") else { at += 1; return result }
                if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                guard let item = value() else { return result }
                result.append(item)
            }
        }

        mutating func string() -> String? {
            guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { return nil }
            var end = at + 1
            while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
            }
            guard end < bytes.count else { at = bytes.count; return nil }
            let literal = Data(bytes[at...end])
            at = end + 1
            return try? JSONSerialization.jsonObject(with: literal, options: [.fragmentsAllowed]) as? String
        }

        mutating func scalar() -> Any? {
            let start = at
            while at < bytes.count, !",]} \n\r\t".utf8.contains(bytes[at]) { at += 1 }
            // A number or literal running to the very end may have been cut short.
            guard at > start, at < bytes.count else { return nil }
            return try? JSONSerialization.jsonObject(with: Data(bytes[start..<at]), options: [.fragmentsAllowed])
        }
    }
}
