import Documents
import Foundation
import Models
import Progress
import Store

/// Ingests files into a store: skips files whose size, time and content are unchanged, parses
/// new and changed ones (in parallel worker processes when given an executable), chunks them and,
/// with an encoder, embeds every chunk, and writes each document with its chunks and vectors in
/// one transaction from this one thread, so an interrupted run loses at most the documents in
/// flight and a rerun resumes where it stopped. Documents stored earlier without vectors (or
/// with another model's) are embedded at the end of the run.
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
    /// Embeds chunks when set; chunks are then also cut to fit its input length.
    public var encoder: SentenceEncoder?
    /// Chunks per encoder batch.
    public var batchSize = 32

    public init(store: Store, password: String? = nil, parsing: Parsing = .inProcess, encoder: SentenceEncoder? = nil) {
        self.store = store
        self.password = password
        self.parsing = parsing
        self.encoder = encoder
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
        if let encoder {
            do throws(StoreError) { try embedMissing(with: encoder, into: &report, progress: progress) } catch { throw .store(error) }
        }
        return report
    }

    /// Chunks for a document, cut to the encoder's input length when there is one.
    func chunks(of document: Document) -> [Chunk] {
        guard let encoder else { return chunker.chunks(of: document) }
        return chunker.chunks(of: document, tokenLimit: encoder.textTokenLimit, count: encoder.tokenCount)
    }

    func vectors(for chunks: [Chunk]) -> ChunkVectors? {
        encoder.map { ChunkVectors(model: $0.name, vectors: $0.encode(chunks.map(\.text), batchSize: batchSize)) }
    }

    /// Re-chunks and embeds documents stored without vectors from `encoder`'s model.
    private func embedMissing(
        with encoder: SentenceEncoder, into report: inout IngestReport,
        progress: any ProgressReporter
    ) throws(StoreError) {
        let documents = try store.documentsMissingVectors(model: encoder.name)
        for (i, id) in documents.enumerated() {
            progress.report(ProgressEvent(task: "embed", completed: i, total: documents.count))
            let document = Document(kind: .text, pages: try store.pages(documentID: id))
            let chunks = chunks(of: document)
            try store.replaceChunks(documentID: id, chunks: chunks, vectors: vectors(for: chunks))
            report.embedded += chunks.count
        }
        if !documents.isEmpty { progress.report(ProgressEvent(task: "embed", completed: documents.count, total: documents.count)) }
    }

    /// The single writer: stores one outcome and counts it.
    private func write(
        _ outcome: ParseOutcome, replacing old: KnownFile?, into report: inout IngestReport,
        progress: any ProgressReporter
    ) throws(StoreError) {
        switch outcome {
        case .parsed(let stamp, let document):
            let chunks = chunks(of: document)
            let vectors = vectors(for: chunks)
            try store.replaceDocument(stamp, document: document, chunks: chunks, vectors: vectors)
            report.embedded += vectors?.vectors.rows ?? 0
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
