internal import COpenBLAS
import Foundation

/// The OpenBLAS library as loaded: the kernels ("core") it chose, its build, its threads, and the
/// start-up fix for machines where it falls back to a generic core.
///
/// OpenBLAS (a `DYNAMIC_ARCH` build) picks its core once, when the library is loaded, from
/// `OPENBLAS_CORETYPE` or else from CPUID. On some virtual machines CPUID detection fails and it
/// settles for `Prescott` (SSE3), 4–5× slower than the AVX2/AVX-512 kernels the CPU can run.
/// Setting the variable in `main` is too late, hence ``reexecIfGenericCore()``.
public enum BLASRuntime {
    /// The core OpenBLAS is using, e.g. `Haswell` or `Prescott`.
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// OpenBLAS's build description, e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH … MAX_THREADS=64`.
    public static var configName: String { String(cString: openblas_get_config()) }

    /// The number of threads OpenBLAS computes with.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// Sets the number of threads OpenBLAS computes with (at least 1).
    public static func setThreads(_ count: Int) { openblas_set_num_threads(Int32(clamping: max(1, count))) }

    /// Whether the core in use is a generic one (see ``isGeneric(core:)``).
    public static var isGenericCore: Bool { isGeneric(core: coreName) }

    /// Whether `core` names kernels without AVX2: the SSE-era x86_64 cores, `Sandybridge` (AVX only),
    /// the AVX/FMA4 Bulldozer family, and `Unknown`. Case-insensitive, like `OPENBLAS_CORETYPE`.
    public static func isGeneric(core: String) -> Bool {
        genericCores.contains(core.lowercased())
    }

    private static let genericCores: Set<String> = [
        "unknown", "generic", "katmai", "coppermine", "northwood", "prescott", "banias", "atom", "core2",
        "penryn", "dunnington", "nehalem", "athlon", "opteron", "opteron_sse3", "barcelona", "nano",
        "bobcat", "sandybridge", "bulldozer", "piledriver", "steamroller", "excavator",
    ]

    /// The fastest core OpenBLAS 0.3.21 accepts in `OPENBLAS_CORETYPE` that a CPU with `features`
    /// can certainly run: `Cooperlake` (AVX-512 with BF16 and VNNI), `SkylakeX` (AVX-512 F/CD/BW/DQ/VL),
    /// `Haswell` (AVX2 and FMA), or nil when it has none of these.
    public static func recommendedCore(for features: CPUFeatures) -> String? {
        #if arch(x86_64)
            if features.isSuperset(of: requirements["cooperlake"]!) { return "Cooperlake" }
            if features.isSuperset(of: requirements["skylakex"]!) { return "SkylakeX" }
            if features.isSuperset(of: requirements["haswell"]!) { return "Haswell" }
        #endif
        return nil
    }

    /// ``recommendedCore(for:)`` for the `flags` of `/proc/cpuinfo` (see ``CPUFeatures/init(cpuinfo:)``).
    public static func recommendedCore(flags: String) -> String? {
        recommendedCore(for: CPUFeatures(cpuinfo: flags))
    }

    /// Whether a CPU with `features` can run `core`'s kernels; nil when Quarry does not know the
    /// core's requirements (the SSE-era and Bulldozer-family cores).
    public static func canRun(core: String, with features: CPUFeatures) -> Bool? {
        requirements[core.lowercased()].map { features.isSuperset(of: $0) }
    }

    /// What each AVX-era core's kernels are compiled for (`-mavx2 -mfma`, `-march=skylake-avx512`,
    /// `-march=cooperlake`).
    private static let requirements: [String: CPUFeatures] = {
        let haswell: CPUFeatures = [.avx, .avx2, .fma]
        let skylakeX = haswell.union([.avx512f, .avx512cd, .avx512bw, .avx512dq, .avx512vl])
        return [
            "sandybridge": [.avx], "haswell": haswell, "zen": haswell, "skylakex": skylakeX,
            "cooperlake": skylakeX.union([.avx512vnni, .avx512bf16]),
        ]
    }()

    /// This machine's CPU features, from `/proc/cpuinfo` (empty where that file does not exist).
    public static var cpuFeatures: CPUFeatures { CPUFeatures(cpuinfo: cpuinfo) }

    /// The text of `/proc/cpuinfo`, or "" where there is none.
    public static var cpuinfo: String {
        // /proc files report a size of 0, so read to the end rather than by size.
        guard let handle = FileHandle(forReadingAtPath: "/proc/cpuinfo") else { return "" }
        defer { try? handle.close() }
        return String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
    }
}

extension BLASRuntime {
    /// The CPU features that decide which OpenBLAS kernels can run, named as in `/proc/cpuinfo`.
    public struct CPUFeatures: OptionSet, Sendable, Hashable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }

        public static let avx = CPUFeatures(rawValue: 1 << 0)
        public static let avx2 = CPUFeatures(rawValue: 1 << 1)
        public static let fma = CPUFeatures(rawValue: 1 << 2)
        public static let avx512f = CPUFeatures(rawValue: 1 << 3)
        public static let avx512cd = CPUFeatures(rawValue: 1 << 4)
        public static let avx512bw = CPUFeatures(rawValue: 1 << 5)
        public static let avx512dq = CPUFeatures(rawValue: 1 << 6)
        public static let avx512vl = CPUFeatures(rawValue: 1 << 7)
        public static let avx512vnni = CPUFeatures(rawValue: 1 << 8)
        public static let avx512bf16 = CPUFeatures(rawValue: 1 << 9)

        /// Each feature with its `/proc/cpuinfo` flag, in this order.
        public static let all: [(feature: CPUFeatures, flag: String)] = [
            (.avx, "avx"), (.avx2, "avx2"), (.fma, "fma"), (.avx512f, "avx512f"), (.avx512cd, "avx512cd"),
            (.avx512bw, "avx512bw"), (.avx512dq, "avx512dq"), (.avx512vl, "avx512vl"),
            (.avx512vnni, "avx512_vnni"), (.avx512bf16, "avx512_bf16"),
        ]

        /// The flags of the features present, e.g. `["avx", "avx2", "fma"]`.
        public var flags: [String] { Self.all.filter { contains($0.feature) }.map(\.flag) }

        /// Parses `/proc/cpuinfo` text: the features on every `flags` line (so on a machine with
        /// mixed cores, only those all cores have), or, without such lines, `text` read as a
        /// space-separated list of flags.
        public init(cpuinfo text: String) {
            let lists = text.split(separator: "\n").compactMap { line -> Substring? in
                let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == "flags" else { return nil }
                return parts[1]
            }
            var common: CPUFeatures?
            for list in lists.isEmpty ? [Substring(text)] : lists {
                let flags = Set(list.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }))
                let found = CPUFeatures(Self.all.filter { flags.contains(Substring($0.flag)) }.map(\.feature))
                common = common.map { $0.intersection(found) } ?? found
            }
            self = common ?? []
        }
    }
}

extension BLASRuntime {
    /// Who chose the core OpenBLAS is using.
    public enum CoreSource: String, Sendable, Codable {
        /// OpenBLAS detected it.
        case detected
        /// The user set `OPENBLAS_CORETYPE`.
        case user
        /// Quarry set `OPENBLAS_CORETYPE` and restarted itself (``reexecIfGenericCore()``).
        case reexec
    }

    /// Who chose the core: read from `OPENBLAS_CORETYPE` and Quarry's restart marker.
    public static var coreSource: CoreSource {
        guard isSet(coreTypeVariable) else { return .detected }
        return isSet(reexecMarker) ? .reexec : .user
    }

    static let coreTypeVariable = "OPENBLAS_CORETYPE"
    static let reexecMarker = "QUARRY_BLAS_REEXEC"
    static let assumeGenericHook = "QUARRY_BLAS_ASSUME_GENERIC"

    private static func isSet(_ name: String) -> Bool {
        guard let value = getenv(name) else { return false }
        return value.pointee != 0
    }

    /// Restarts the process with `OPENBLAS_CORETYPE` naming ``recommendedCore(for:)`` when OpenBLAS
    /// chose a generic core; call it first thing in `main`. Linux only; otherwise it returns.
    ///
    /// Does nothing when the user set `OPENBLAS_CORETYPE` (respected even if generic), when
    /// `QUARRY_BLAS_REEXEC` is set (the restart sets it, so there is at most one restart), or when
    /// the CPU has no AVX2. If `execv` fails the process simply carries on with the generic core.
    ///
    /// Test hook: `QUARRY_BLAS_ASSUME_GENERIC=1` makes this treat the detected core as generic
    /// (this decision only; ``isGenericCore`` is unaffected), so the restart can be tested on
    /// machines where OpenBLAS detects the CPU correctly.
    public static func reexecIfGenericCore() {
        #if os(Linux)
            guard !isSet(coreTypeVariable), !isSet(reexecMarker) else { return }
            let assumeGeneric = ProcessInfo.processInfo.environment[assumeGenericHook] == "1"
            guard assumeGeneric || isGenericCore, let core = recommendedCore(for: cpuFeatures) else { return }
            setenv(coreTypeVariable, core, 1)
            setenv(reexecMarker, "1", 1)
            execv("/proc/self/exe", CommandLine.unsafeArgv)
            unsetenv(coreTypeVariable)
            unsetenv(reexecMarker)
        #endif
    }
}
