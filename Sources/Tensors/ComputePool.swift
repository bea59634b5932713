import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs work on a fixed set of threads with low per-call overhead (decode calls it ~200 times per token).
///
/// The pool owns `threads - 1` persistent workers; the caller takes part too. A call publishes its
/// tasks (one per worker index for `run`, one per chunk for `parallelFor`) by bumping a generation
/// counter, and every thread, the caller included, claims tasks one at a time until none are
/// left. So a worker that is not running at the moment (another process has its core) delays
/// nothing: the caller runs its task instead. Idle workers spin on the counter for a short while
/// (so back-to-back calls in a decode step cost a microsecond or two) and then sleep on a
/// condition variable (so an idle pool costs nothing). A call made while the pool is busy (from
/// inside a body, or from another thread) runs its tasks on the calling thread instead of waiting.
public final class ComputePool: @unchecked Sendable {
    /// The number of workers a call runs, the caller included.
    public let threads: Int
    private let state: State

    /// A pool of `threads` workers (at least 1): the caller and `threads - 1` threads of its own.
    public init(threads: Int) {
        self.threads = max(1, threads)
        state = State()
        for worker in 1..<self.threads {
            let state = state
            let thread = Thread { state.workerLoop() }
            thread.name = "quarry-compute-\(worker)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    deinit { state.stop() }

    /// A pool with one worker per active processor, shared by the whole process.
    public static let shared = ComputePool(threads: ProcessInfo.processInfo.activeProcessorCount)

    /// Calls body(worker) for worker in 0..<threads concurrently (worker 0 may run on the caller) and returns when all are done.
    ///
    /// Each index is run exactly once, by whichever thread claims it first, so a thread may run
    /// more than one index (one after the other) and an index need not run on a fixed thread.
    public func run(_ body: (Int) -> Void) { perform(tasks: threads, body) }

    /// Splits 0..<count into about `threads` contiguous chunks (aligned to `granularity`) and runs body on each concurrently.
    public func parallelFor(_ count: Int, granularity: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let step = max(1, granularity)
        let units = (count + step - 1) / step
        let chunks = min(threads, units)
        guard chunks > 1 else { body(0..<count); return }
        perform(tasks: chunks) { chunk in
            let lower = units * chunk / chunks * step
            let upper = min(count, units * (chunk + 1) / chunks * step)
            if lower < upper { body(lower..<upper) }
        }
    }

    /// Runs body(task) for task in 0..<tasks, each exactly once, on whichever threads claim them
    /// first; returns when all are done.
    func perform(tasks: Int, _ body: (Int) -> Void) {
        guard threads > 1, tasks > 1, tasks <= State.maximumTasks, state.acquire() else {
            for task in 0..<tasks { body(task) }
            return
        }
        withoutActuallyEscaping(body) { body in state.perform(tasks: tasks, body) }
        state.release()
    }
}

extension ComputePool {
    /// What the caller and the workers share; the workers keep it alive, not the pool, so that a
    /// dropped pool can stop its threads.
    final class State: @unchecked Sendable {
        /// The current call's generation (high 32 bits), its number of tasks (the next 16) and its
        /// next unclaimed task (low 16 bits): one word, so that a task can only be claimed for the
        /// call it belongs to and checked against that call's count. (A separate count let a
        /// worker finishing an earlier call read the next call's count with its stale word, claim
        /// a task past the old end and run the new body twice.)
        let word = Atomic<UInt64>(0)
        /// How many of the current call's tasks have finished.
        let completed = Atomic<Int>(0)
        /// The most tasks a call can publish.
        static let maximumTasks = 0xffff
        /// Workers blocked on `wake`, so that a call only signals when someone sleeps.
        let sleepers = Atomic<Int>(0)
        let callerSleeping = Atomic<Bool>(false)
        let stopping = Atomic<Bool>(false)
        let busy = Atomic<Bool>(false)
        /// The body of the current call; written before `word` is published, read by a thread
        /// only after it has claimed one of the call's tasks.
        nonisolated(unsafe) var body: ((Int) -> Void)?
        nonisolated(unsafe) var generation: UInt64 = 0
        private let mutex: UnsafeMutablePointer<pthread_mutex_t>
        private let wake: UnsafeMutablePointer<pthread_cond_t>
        private let done: UnsafeMutablePointer<pthread_cond_t>
        /// How long an idle worker, or a caller waiting for workers, spins before it sleeps.
        static let spinNanoseconds: UInt64 = 50_000

        init() {
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

        /// Publishes `tasks` tasks of `body`, works on them and waits until all are done.
        func perform(tasks count: Int, _ body: @escaping (Int) -> Void) {
            self.body = body
            completed.store(0, ordering: .sequentiallyConsistent)
            generation = (generation + 1) & 0xffff_ffff
            word.store(generation << 32 | UInt64(count) << 16, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(mutex); pthread_cond_broadcast(wake); pthread_mutex_unlock(mutex)
            }
            work(generation)
            if !spin(until: { completed.load(ordering: .acquiring) == count }) {
                pthread_mutex_lock(mutex)
                callerSleeping.store(true, ordering: .sequentiallyConsistent)
                while completed.load(ordering: .sequentiallyConsistent) < count { pthread_cond_wait(done, mutex) }
                callerSleeping.store(false, ordering: .sequentiallyConsistent)
                pthread_mutex_unlock(mutex)
            }
            self.body = nil
        }

        /// Claims and runs tasks of call `generation` until none are left.
        private func work(_ generation: UInt64) {
            while true {
                let current = word.load(ordering: .acquiring)
                guard current >> 32 == generation else { return }
                let task = Int(current & 0xffff), count = Int(current >> 16 & 0xffff)
                guard task < count else { return }
                guard word.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing).exchanged else { continue }
                run(task)
                if completed.add(1, ordering: .sequentiallyConsistent).newValue == count,
                    callerSleeping.load(ordering: .sequentiallyConsistent)
                {
                    pthread_mutex_lock(mutex); pthread_cond_signal(done); pthread_mutex_unlock(mutex)
                }
            }
        }

        func workerLoop() {
            var seen: UInt64 = 0
            while true {
                if !spin(until: { word.load(ordering: .acquiring) >> 32 != seen || stopping.load(ordering: .relaxed) }) {
                    pthread_mutex_lock(mutex)
                    sleepers.add(1, ordering: .sequentiallyConsistent)
                    while word.load(ordering: .sequentiallyConsistent) >> 32 == seen,
                        !stopping.load(ordering: .sequentiallyConsistent)
                    {
                        pthread_cond_wait(wake, mutex)
                    }
                    sleepers.subtract(1, ordering: .sequentiallyConsistent)
                    pthread_mutex_unlock(mutex)
                }
                if stopping.load(ordering: .acquiring) { return }
                seen = word.load(ordering: .acquiring) >> 32
                work(seen)
            }
        }

        /// Runs task `task` of the published body; not inlined so that its copy of the closure is
        /// released before the task counts as completed (the caller checks that the closure did
        /// not escape).
        @inline(never)
        private func run(_ task: Int) { body?(task) }

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
                if rounds & 63 == 0 {
                    // Offer the core to other runnable threads now and then: costs a system call
                    // on an idle machine, and keeps a spinning worker from being penalised by
                    // the scheduler when other processes want the core.
                    sched_yield()
                    let now = DispatchTime.now().uptimeNanoseconds
                    if start == 0 { start = now } else if now - start > Self.spinNanoseconds { return false }
                }
            }
            return true
        }
    }
}
