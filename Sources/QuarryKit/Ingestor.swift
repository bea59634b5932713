import Foundation
import Documents
import Store
import Reporting

/// Ingests files into a store: hashes each file, parses new and changed ones in parallel, and
/// writes each document in its own transaction from a single writer, so an interrupted run loses
/// at most the documents in flight and a rerun resumes where it stopped.
public struct Ingestor: Sendable {
    public let store: Store
    public var password: String?
    public var chunker = Chunker()
    /// How many files are parsed at once (default: one per core).
    public var workers = ProcessInfo.processInfo.activeProcessorCount

    public init(store: Store, password: String? = nil) {
        self.store = store
        self.password = password
    }

    /// Ingests the files and folders named by `paths`.
    public func ingest(_ paths: [String], progress: any ProgressReporter = SilentProgress()) async throws(QuarryError) -> IngestReport {
        let files = try FileDiscovery.files(in: paths)
        let known: [String: KnownFile]
        do { known = try store.knownFiles() } catch { throw .store(error) }

        var report = IngestReport()
        var done = 0
        var pending: [Job] = []
        for path in files {
            let stat = Self.stat(path)
            if let old = known[path], old.status != .failed, let stat, old.size == stat.size, old.mtime == stat.mtime {
                report.unchanged += 1
                done += 1
            } else {
                pending.append(Job(path: path, known: known[path]))
            }
        }
        progress.report(ProgressEvent(task: "ingest", completed: done, total: files.count))

        let parse = { @Sendable (job: Job) in self.parse(job) }
        var failure: StoreError?
        await withTaskGroup(of: Outcome.self) { group in
            var next = pending.makeIterator()
            for _ in 0..<max(1, workers) { if let job = next.next() { group.addTask { parse(job) } } }
            for await outcome in group {
                if let job = next.next(), failure == nil { group.addTask { parse(job) } }
                guard failure == nil else { continue }
                do throws(StoreError) { try write(outcome, into: &report, progress: progress) } catch {
                    failure = error
                    group.cancelAll()
                }
                done += 1
                progress.report(ProgressEvent(task: "ingest", completed: done, total: files.count, item: outcome.path))
            }
        }
        if let failure { throw .store(failure) }
        return report
    }

    // MARK: - Parsing (runs on the workers)

    struct Job: Sendable {
        let path: String
        let known: KnownFile?
    }

    enum Outcome: Sendable {
        case parsed(FileStamp, Document, [Chunk], replacing: Bool)
        case unchanged(FileStamp)
        case failed(FileStamp, DocumentKind?, String, alreadyRecorded: Bool)

        var path: String {
            switch self {
            case .parsed(let f, _, _, _), .unchanged(let f), .failed(let f, _, _, _): f.path
            }
        }
    }

    func parse(_ job: Job) -> Outcome {
        let stat = Self.stat(job.path) ?? (size: 0, mtime: 0)
        let file: SourceFile
        do { file = try SourceFile(path: job.path) } catch {
            let stamp = FileStamp(path: job.path, sha256: "", size: stat.size, mtime: stat.mtime)
            return .failed(stamp, nil, error.reason, alreadyRecorded: false)
        }
        let stamp = FileStamp(path: job.path, sha256: file.sha256, size: file.bytes.count, mtime: stat.mtime)
        if let old = job.known, old.sha256 == file.sha256, old.status != .failed { return .unchanged(stamp) }
        let kind = try? file.detectKind()
        do {
            let document = try DocumentReader.read(file, password: password)
            return .parsed(stamp, document, chunker.chunks(of: document), replacing: job.known != nil)
        } catch {
            let same = job.known.map { $0.sha256 == file.sha256 && $0.error == error.reason } ?? false
            return .failed(stamp, kind, error.reason, alreadyRecorded: same)
        }
    }

    // MARK: - Writing (the single writer)

    private func write(_ outcome: Outcome, into report: inout IngestReport, progress: any ProgressReporter) throws(StoreError) {
        switch outcome {
        case .parsed(let stamp, let document, let chunks, let replacing):
            try store.replaceDocument(stamp, document: document, chunks: chunks)
            report.ingested += 1
            if replacing { report.replaced += 1 }
            report.pages += document.pages.count
            report.chunks += chunks.count
            report.pagesWithoutText += document.pagesWithoutText.count
            if let message = document.missingTextWarning {
                report.warnings.append(.init(path: stamp.path, message: message))
                progress.notice("warning: \(stamp.path): \(message)")
            }
        case .unchanged(let stamp):
            try store.updateStamp(stamp)
            report.unchanged += 1
        case .failed(let stamp, let kind, let reason, let alreadyRecorded):
            if !alreadyRecorded { try store.recordFailure(stamp, kind: kind, reason: reason) }
            report.failed += 1
            report.failures.append(.init(path: stamp.path, reason: reason))
            progress.notice("failed: \(stamp.path): \(reason)")
        }
    }

    static func stat(_ path: String) -> (size: Int, mtime: Double)? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? NSNumber,
              let date = attributes[.modificationDate] as? Date else { return nil }
        return (size.intValue, date.timeIntervalSince1970)
    }
}
