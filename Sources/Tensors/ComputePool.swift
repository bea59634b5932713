import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs work on a fixed set of threads with low per-call overhead (decode calls it ~200 times per token).
///
/// The pool owns `threads - 1` persistent workers; the caller is worker 0. A call publishes its body
/// by bumping a generation counter. Idle workers spin on it for a short while (so back-to-back calls
/// in a decode step cost a few hundred nanoseconds) and then sleep on a condition variable (so an
/// idle pool costs nothing). A call made while the pool is busy (from inside a body, or from another
/// thread) runs all its workers' bodies on the calling thread instead of waiting.
public final class ComputePool: @unchecked Sendable {
    /// The number of workers a call runs, the caller included.
    public let threads: Int
    private let state: State

    /// A pool of `threads` workers (at least 1): the caller and `threads - 1` threads of its own.
    public init(threads: Int) {
        self.threads = max(1, threads)
        state = State(workers: self.threads)
        for worker in 1..<self.threads {
            let state = state
            let thread = Thread { state.workerLoop(worker) }
            thread.name = "quarry-compute-\(worker)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    deinit { state.stop() }

    /// A pool with one worker per active processor, shared by the whole process.
    public static let shared = ComputePool(threads: ProcessInfo.processInfo.activeProcessorCount)

    /// Calls body(worker) for worker in 0..<threads concurrently (worker 0 may run on the caller) and returns when all are done.
    public func run(_ body: (Int) -> Void) {
        guard threads > 1, state.acquire() else {
            for worker in 0..<threads { body(worker) }
            return
        }
        withoutActuallyEscaping(body) { body in state.perform(body) }
        state.release()
    }

    /// Splits 0..<count into about `threads` contiguous chunks (aligned to `granularity`) and runs body on each concurrently.
    public func parallelFor(_ count: Int, granularity: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let step = max(1, granularity)
        let units = (count + step - 1) / step
        let chunks = min(threads, units)
        guard chunks > 1 else { body(0..<count); return }
        run { worker in
            guard worker < chunks else { return }
            let lower = units * worker / chunks * step
            let upper = min(count, units * (worker + 1) / chunks * step)
            if lower < upper { body(lower..<upper) }
        }
    }
}

extension ComputePool {
    /// What the caller and the workers share; the workers keep it alive, not the pool, so that a
    /// dropped pool can stop its threads.
    final class State: @unchecked Sendable {
        let workers: Int
        /// Bumped once per call; a worker runs the body when it sees a new value.
        let generation = Atomic<UInt64>(0)
        /// Workers (other than the caller) still running the current body.
        let remaining = Atomic<Int>(0)
        /// Workers blocked on `wake`, so that a call only signals when someone sleeps.
        let sleepers = Atomic<Int>(0)
        let callerSleeping = Atomic<Bool>(false)
        let stopping = Atomic<Bool>(false)
        let busy = Atomic<Bool>(false)
        /// The body of the current call; written before `generation` is bumped, read after.
        nonisolated(unsafe) var body: ((Int) -> Void)?
        private let mutex: UnsafeMutablePointer<pthread_mutex_t>
        private let wake: UnsafeMutablePointer<pthread_cond_t>
        private let done: UnsafeMutablePointer<pthread_cond_t>
        /// How long an idle worker, or a caller waiting for workers, spins before it sleeps.
        static let spinNanoseconds: UInt64 = 200_000

        init(workers: Int) {
            self.workers = workers
            mutex = .allocate(capacity: 1)
            wake = .allocate(capacity: 1)
            done = .allocate(capacity: 1)
            pthread_mutex_init(mutex, nil)
            pthread_cond_init(wake, nil)
            pthread_cond_init(done, nil)
        }

        deinit {
            pthread_mutex_destroy(mutex)
            pthread_cond_destroy(wake)
            pthread_cond_destroy(done)
            mutex.deallocate(); wake.deallocate(); done.deallocate()
        }

        func acquire() -> Bool { busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged }
        func release() { busy.store(false, ordering: .releasing) }

        /// Publishes `body`, runs worker 0 on the calling thread and waits for the others.
        func perform(_ body: @escaping (Int) -> Void) {
            self.body = body
            remaining.store(workers - 1, ordering: .sequentiallyConsistent)
            generation.add(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(mutex); pthread_cond_broadcast(wake); pthread_mutex_unlock(mutex)
            }
            body(0)
            if !spin(until: { remaining.load(ordering: .acquiring) == 0 }) {
                pthread_mutex_lock(mutex)
                callerSleeping.store(true, ordering: .sequentiallyConsistent)
                while remaining.load(ordering: .sequentiallyConsistent) > 0 { pthread_cond_wait(done, mutex) }
                callerSleeping.store(false, ordering: .sequentiallyConsistent)
                pthread_mutex_unlock(mutex)
            }
            self.body = nil
        }

        func workerLoop(_ worker: Int) {
            var seen: UInt64 = 0
            while true {
                if !spin(until: { generation.load(ordering: .acquiring) != seen || stopping.load(ordering: .relaxed) }) {
                    pthread_mutex_lock(mutex)
                    sleepers.add(1, ordering: .sequentiallyConsistent)
                    while generation.load(ordering: .sequentiallyConsistent) == seen,
                          !stopping.load(ordering: .sequentiallyConsistent) {
                        pthread_cond_wait(wake, mutex)
                    }
                    sleepers.subtract(1, ordering: .sequentiallyConsistent)
                    pthread_mutex_unlock(mutex)
                }
                if stopping.load(ordering: .acquiring) { return }
                seen = generation.load(ordering: .acquiring)
                run(worker)
                if remaining.subtract(1, ordering: .sequentiallyConsistent).newValue == 0,
                   callerSleeping.load(ordering: .sequentiallyConsistent) {
                    pthread_mutex_lock(mutex); pthread_cond_signal(done); pthread_mutex_unlock(mutex)
                }
            }
        }

        /// Runs the published body; not inlined so that its copy of the closure is released before
        /// the worker reports completion (the caller checks that the closure did not escape).
        @inline(never)
        private func run(_ worker: Int) { body?(worker) }

        func stop() {
            stopping.store(true, ordering: .sequentiallyConsistent)
            pthread_mutex_lock(mutex); pthread_cond_broadcast(wake); pthread_mutex_unlock(mutex)
        }

        /// Spins until `condition` holds (true) or `spinNanoseconds` pass (false).
        @inline(__always)
        private func spin(until condition: () -> Bool) -> Bool {
            var start: UInt64 = 0
            var rounds = 0
            while !condition() {
                rounds &+= 1
                if rounds & 255 == 0 {
                    let now = DispatchTime.now().uptimeNanoseconds
                    if start == 0 { start = now } else if now - start > Self.spinNanoseconds { return false }
                }
            }
            return true
        }
    }
}
