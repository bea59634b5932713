import Documents
import Foundation
import Store

/// A file to look at, with what the store knows of it.
struct ParseJob: Sendable, Codable {
    let path: String
    let knownSHA256: String?
    let knownError: String?
    let password: String?
}

/// What reading one file produced.
enum ParseOutcome: Sendable {
    case parsed(FileStamp, Document)
    case unchanged(FileStamp)
    case failed(FileStamp, DocumentKind?, String)

    var stamp: FileStamp {
        switch self {
        case .parsed(let f, _), .unchanged(let f), .failed(let f, _, _): f
        }
    }
}

/// Hashes and parses one file. Pure apart from reading the file, so it runs in a worker process
/// as well as in-process.
enum FileParser {
    static func parse(_ job: ParseJob) -> ParseOutcome {
        let mtime = FileStat.of(job.path)?.mtime ?? 0
        let file: SourceFile
        do { file = try SourceFile(path: job.path) } catch {
            return .failed(FileStamp(path: job.path, sha256: "", size: 0, mtime: mtime), nil, error.reason)
        }
        let stamp = FileStamp(path: job.path, sha256: file.sha256, size: file.bytes.count, mtime: mtime)
        if job.knownSHA256 == file.sha256, job.knownError == nil { return .unchanged(stamp) }
        do {
            return .parsed(stamp, try DocumentReader.read(file, password: job.password))
        } catch {
            return .failed(stamp, try? file.detectKind(), error.reason)
        }
    }
}

/// Size and modification time of a file: the quick check before hashing.
struct FileStat: Equatable {
    let size: Int
    let mtime: Double

    static func of(_ path: String) -> FileStat? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = attributes[.size] as? NSNumber,
            let date = attributes[.modificationDate] as? Date
        else { return nil }
        return FileStat(size: size.intValue, mtime: date.timeIntervalSince1970)
    }
}

// MARK: - Wire format between the ingest process and its parse workers

extension ParseOutcome {
    func encoded() -> Data {
        var w = BinaryWriter()
        let s = stamp
        w.put(s.path); w.put(s.sha256); w.put(Int64(s.size)); w.put(s.mtime)
        switch self {
        case .parsed(_, let document): w.put(UInt8(0)); w.put(document.encoded())
        case .unchanged: w.put(UInt8(1))
        case .failed(_, let kind, let reason): w.put(UInt8(2)); w.put(kind?.rawValue); w.put(reason)
        }
        return w.data
    }

    init(decoding data: Data) throws(DocumentError) {
        var r = BinaryReader(data)
        let stamp = FileStamp(
            path: try r.string(), sha256: try r.string(), size: Int(try r.get(Int64.self)),
            mtime: try r.double())
        switch try r.get(UInt8.self) {
        case 0: self = .parsed(stamp, try Document(decoding: try r.data()))
        case 1: self = .unchanged(stamp)
        case 2: self = .failed(stamp, (try r.optionalString()).flatMap(DocumentKind.init(rawValue:)), try r.string())
        default: throw .malformedBinary(offset: 0)
        }
    }
}
