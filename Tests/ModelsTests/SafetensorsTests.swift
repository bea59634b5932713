import Foundation
import Testing

@testable import Models

@Suite struct SafetensorsTests {
    /// Writes a safetensors file with the given header JSON and data bytes.
    func file(_ header: String, _ data: [UInt8], trimTo: Int? = nil) throws -> String {
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) }
        bytes += Array(header.utf8) + data
        if let trimTo { bytes = Array(bytes.prefix(trimTo)) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("quarry-st-\(UUID().uuidString).safetensors").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func floats(_ values: [Float]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } } }

    @Test func readsF32F16AndBF16Tensors() throws {
        let f16: [UInt8] = [0x00, 0x3C, 0x00, 0xC0]  // 1.0, -2.0
        let bf16: [UInt8] = [0x80, 0x3F, 0x40, 0x40]  // 1.0, 3.0
        let data = floats([1, 2, 3, 4, 5, 6]) + f16 + bf16
        let header =
            #"{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"h":{"dtype":"F16","shape":[2],"data_offsets":[24,28]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[28,32]}}"#
        let st = try SafetensorsFile(path: try file(header, data))
        #expect(st.metadata["format"] == "pt")
        #expect(try st.matrix("w", rows: 2, cols: 3).values == [1, 2, 3, 4, 5, 6])
        #expect(try st.floats("h") == [1, -2])
        #expect(try st.floats("b") == [1, 3])
        #expect(throws: ModelError.badTensor(path: st.path, name: "w", reason: "shape [2, 3], expected [3, 2]")) {
            try st.matrix("w", rows: 3, cols: 2)
        }
        #expect(throws: ModelError.badTensor(path: st.path, name: "nope", reason: "not in the file")) { try st.floats("nope") }
    }

    @Test func truncatedAndMalformedFilesGiveTypedErrors() throws {
        let header = #"{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}"#
        let truncated = try file(header, floats([1, 2, 3, 4, 5, 6]), trimTo: 8 + header.utf8.count + 10)
        #expect { try SafetensorsFile(path: truncated) } throws: { error in
            guard case ModelError.malformed(_, let reason) = error else { return false }
            return reason.contains("truncated")
        }
        let headerCut = try file(header, [], trimTo: 20)
        #expect { try SafetensorsFile(path: headerCut) } throws: {
            ($0 as? ModelError).map { if case .malformed = $0 { true } else { false } } ?? false
        }
        let notJSON = try file("{not json", [])
        #expect(throws: ModelError.malformed(path: notJSON, reason: "the header is not a JSON object")) { try SafetensorsFile(path: notJSON) }
        let wrongSize = try file(#"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}}"#, floats([1, 2, 3]))
        #expect { try SafetensorsFile(path: wrongSize) } throws: { "\($0)".contains("shape [2, 2]") }
        #expect { try SafetensorsFile(path: "/nonexistent/model.safetensors") } throws: { error in
            if case ModelError.missing = error { return true } else { return false }
        }
        let empty = try file("", [], trimTo: 0)
        #expect { try SafetensorsFile(path: empty) } throws: { "\($0)".contains("too short") }
    }
}
