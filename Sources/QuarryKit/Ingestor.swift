import Foundation
import Documents
import Store
import Reporting

/// Ingests files into a store: skips files whose size, time and content are unchanged, parses
/// new and changed ones (in parallel worker processes when given an executable), and writes each
/// document in its own transaction from this one thread, so an interrupted run loses at most the
/// documents in flight and a rerun resumes where it stopped.
public struct Ingestor: Sendable {
    /// Where parsing happens.
    public enum Parsing: Sendable {
        /// In this process, one file at a time.
        case inProcess
        /// In `count` worker processes running `executable parse-worker` (the `quarry` binary).
        case workers(executable: String, count: Int)
    }

    public let store: Store
    public var password: String?
    public var parsing: Parsing
    public var chunker = Chunker()

    public init(store: Store, password: String? = nil, parsing: Parsing = .inProcess) {
        self.store = store
        self.password = password
        self.parsing = parsing
    }

    /// Ingests the files and folders named by `paths`.
    public func ingest(_ paths: [String], progress: any ProgressReporter = SilentProgress()) throws(QuarryError) -> IngestReport {
        let files = try FileDiscovery.files(in: paths)
        let known: [String: KnownFile]
        do { known = try store.knownFiles() } catch { throw .store(error) }

        var report = IngestReport()
        var jobs: [ParseJob] = []
        for path in files {
            let old = known[path]
            if let old, old.status != .failed, FileStat.of(path) == FileStat(size: old.size, mtime: old.mtime) {
                report.unchanged += 1
            } else {
                jobs.append(ParseJob(path: path, knownSHA256: old?.sha256, knownError: old?.error, password: password))
            }
        }
        var done = report.unchanged
        progress.report(ProgressEvent(task: "ingest", completed: done, total: files.count))

        var failure: StoreError?
        let handle = { (outcome: ParseOutcome) -> Bool in
            do throws(StoreError) {
                try write(outcome, replacing: known[outcome.stamp.path], into: &report, progress: progress)
            } catch {
                failure = error
                return false
            }
            done += 1
            progress.report(ProgressEvent(task: "ingest", completed: done, total: files.count, item: outcome.stamp.path))
            return true
        }
        switch parsing {
        case .inProcess:
            for job in jobs where handle(FileParser.parse(job)) == false { break }
        case .workers(let executable, let count):
            WorkerPool(executable: executable, count: count).run(jobs, handle: handle)
        }
        if let failure { throw .store(failure) }
        return report
    }

    /// The single writer: stores one outcome and counts it.
    private func write(_ outcome: ParseOutcome, replacing old: KnownFile?, into report: inout IngestReport,
                       progress: any ProgressReporter) throws(StoreError) {
        switch outcome {
        case .parsed(let stamp, let document):
            let chunks = chunker.chunks(of: document)
            try store.replaceDocument(stamp, document: document, chunks: chunks)
            report.ingested += 1
            if old != nil { report.replaced += 1 }
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
        case .failed(let stamp, let kind, let reason):
            // The same failure of the same content is already on record: leave it as it is.
            if !(old?.status == .failed && old?.sha256 == stamp.sha256 && old?.error == reason) {
                try store.recordFailure(stamp, kind: kind, reason: reason)
            }
            report.failed += 1
            report.failures.append(.init(path: stamp.path, reason: reason))
            progress.notice("failed: \(stamp.path): \(reason)")
        }
    }
}
