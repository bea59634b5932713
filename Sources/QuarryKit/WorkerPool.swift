import Foundation
import Store
import Synchronization

/// Runs parse jobs in worker processes (`EXECUTABLE parse-worker`), one driver thread per worker,
/// and hands every outcome to the caller's thread in completion order. A worker that dies is
/// replaced; the file it was reading is reported as failed.
final class WorkerPool: Sendable {
    let executable: String
    let count: Int
    /// A worker is replaced after this many files, which bounds any memory the parser keeps.
    let recycleAfter = 200

    init(executable: String, count: Int) {
        self.executable = executable
        self.count = max(1, count)
    }

    /// Parses all jobs; `handle` runs on the calling thread and returns false to stop early.
    func run(_ jobs: [ParseJob], handle: (ParseOutcome) -> Bool) {
        let queue = Mutex(jobs.makeIterator())
        let results = OutcomeChannel()
        let stop = Atomic<Bool>(false)
        let drivers = min(count, jobs.count)
        for _ in 0..<drivers {
            Thread.detachNewThread { [self] in
                var worker: WorkerProcess?
                var served = 0
                while !stop.load(ordering: .relaxed), let job = queue.withLock({ $0.next() }) {
                    if worker == nil || served >= recycleAfter {
                        worker?.close(); worker = WorkerProcess(executable: executable); served = 0
                    }
                    served += 1
                    if let outcome = worker?.parse(job) {
                        results.send(outcome)
                    } else {
                        let reason = worker?.failureDescription ?? "could not start the parse worker"
                        worker?.close(); worker = nil
                        let stat = FileStat.of(job.path)
                        let stamp = FileStamp(path: job.path, sha256: "", size: stat?.size ?? 0, mtime: stat?.mtime ?? 0)
                        results.send(.failed(stamp, nil, reason))
                    }
                }
                worker?.close()
                results.finishOne()
            }
        }
        results.receive(drivers: drivers) { outcome in
            if !handle(outcome) { stop.store(true, ordering: .relaxed) }
        }
    }
}

/// Many senders, one receiver, blocking.
private final class OutcomeChannel: Sendable {
    private struct State { var items: [ParseOutcome] = []; var finished = 0 }
    private let state = Mutex(State())
    private let signal = DispatchSemaphore(value: 0)

    func send(_ outcome: ParseOutcome) { state.withLock { $0.items.append(outcome) }; signal.signal() }
    func finishOne() { state.withLock { $0.finished += 1 }; signal.signal() }

    /// Hands every outcome to `body` until all `drivers` have finished and nothing is left.
    func receive(drivers: Int, _ body: (ParseOutcome) -> Void) {
        while true {
            let (items, done) = state.withLock { s in
                defer { s.items.removeAll() }
                return (s.items, s.finished == drivers)
            }
            items.forEach(body)
            if done { return }
            signal.wait()
        }
    }
}

/// One running `quarry parse-worker` process and its pipes.
private final class WorkerProcess {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private(set) var failureDescription: String?

    init?(executable: String) {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["parse-worker"]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice  // poppler's syntax warnings
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        do { try process.run() } catch { return nil }
    }

    /// Sends a job and waits for its outcome; nil when the worker died or answered garbage.
    func parse(_ job: ParseJob) -> ParseOutcome? {
        guard let request = try? JSONEncoder().encode(job) else { return nil }
        do { try input.fileHandleForWriting.write(contentsOf: request + Data("\n".utf8)) } catch {
            return died()
        }
        let reader = output.fileHandleForReading
        guard let header = readExactly(reader, 4) else { return died() }
        let length = header.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
        guard let payload = readExactly(reader, length), let outcome = try? ParseOutcome(decoding: payload) else {
            return died()
        }
        return outcome
    }

    private func died() -> ParseOutcome? {
        process.waitUntilExit()
        let how =
            process.terminationReason == .uncaughtSignal
            ? "signal \(process.terminationStatus)"
            : "exit status \(process.terminationStatus)"
        failureDescription = "the PDF parser crashed on this file (\(how)); it is probably damaged"
        return nil
    }

    private func readExactly(_ handle: FileHandle, _ count: Int) -> Data? {
        var data = Data()
        while data.count < count {
            guard let chunk = try? handle.read(upToCount: count - data.count), !chunk.isEmpty else { return nil }
            data.append(chunk)
        }
        return data
    }

    func close() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
