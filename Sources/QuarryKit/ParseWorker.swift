import Foundation

/// The worker side of parallel ingest: reads one JSON `ParseJob` per line on standard input and
/// answers each with a length-prefixed `ParseOutcome` on standard output. Run by `quarry` as a
/// hidden subcommand; parsing in separate processes keeps poppler (which is not thread-safe
/// across documents) apart, and a file that crashes the parser takes only its worker down.
public enum ParseWorker {
    public static func serve() {
        let decoder = JSONDecoder()
        while let line = readLine(strippingNewline: true) {
            guard let job = try? decoder.decode(ParseJob.self, from: Data(line.utf8)) else { continue }
            let payload = FileParser.parse(job).encoded()
            var frame = Data()
            withUnsafeBytes(of: UInt32(payload.count).littleEndian) { frame.append(contentsOf: $0) }
            frame.append(payload)
            FileHandle.standardOutput.write(frame)
        }
    }
}
