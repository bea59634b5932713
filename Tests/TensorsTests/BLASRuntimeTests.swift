import Testing

@testable import Tensors

/// Choosing OpenBLAS kernels from CPU features, and reading what the library chose.
@Suite struct BLASRuntimeTests {
    typealias Features = BLASRuntime.CPUFeatures

    static let sse =
        "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx lm pni ssse3 sse4_1 sse4_2 popcnt"
    static let avxOnly = sse + " xsave avx"
    static let avx2 = sse + " xsave avx f16c fma bmi1 avx2 bmi2"
    static let skylakeX = avx2 + " avx512f avx512dq avx512cd avx512bw avx512vl"
    static let cooperlake = skylakeX + " avx512_vnni avx512_bf16"

    @Test func parsesTheFlagsLineOfCpuinfo() {
        let cpuinfo = """
            processor\t: 0
            vendor_id\t: AuthenticAMD
            model name\t: AMD EPYC
            flags\t\t: \(Self.avx2)
            bugs\t\t: sysret_ss_attrs spectre_v1 avx512f
            power management:

            """
        #expect(Features(cpuinfo: cpuinfo) == [.avx, .avx2, .fma])
        #expect(Features(cpuinfo: cpuinfo).flags == ["avx", "avx2", "fma"])
    }

    @Test func keepsOnlyTheFeaturesEveryCoreHas() {
        let cpuinfo = "flags\t: \(Self.cooperlake)\n\nflags\t: \(Self.avx2)\n"
        #expect(Features(cpuinfo: cpuinfo) == [.avx, .avx2, .fma])
        #expect(BLASRuntime.recommendedCore(flags: cpuinfo) == "Haswell")
    }

    @Test func readsABareFlagList() {
        #expect(
            Features(cpuinfo: Self.cooperlake).flags
                == ["avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "avx512_vnni", "avx512_bf16"])
        #expect(Features(cpuinfo: "") == [])
        #expect(Features(cpuinfo: "avx512_bf16x avx2x") == [], "flags match whole words only")
    }

    @Test(
        arguments: [
            (cooperlake, "Cooperlake"), (skylakeX, "SkylakeX"), (avx2, "Haswell"),
            (avxOnly, nil), (sse, nil), ("", nil),
            // A feature missing from a set is never papered over.
            (skylakeX.replacingOccurrences(of: "avx512vl", with: ""), "Haswell"),
            (skylakeX + " avx512_bf16", "SkylakeX"),  // BF16 without VNNI is not a Cooper Lake
            (avx2.replacingOccurrences(of: " fma", with: ""), nil),
            (sse + " avx512f avx512dq avx512cd avx512bw avx512vl avx512_vnni avx512_bf16", nil),
        ] as [(String, String?)])
    func recommendsTheBestCoreTheCPUCanRun(flags: String, core: String?) {
        #expect(BLASRuntime.recommendedCore(flags: "flags\t: " + flags) == core)
        #expect(BLASRuntime.recommendedCore(flags: flags) == core)
        if let core { #expect(BLASRuntime.canRun(core: core, with: Features(cpuinfo: flags)) == true) }
    }

    @Test func knowsWhichCoresACPUCannotRun() {
        #expect(BLASRuntime.canRun(core: "SkylakeX", with: Features(cpuinfo: Self.avx2)) == false)
        #expect(BLASRuntime.canRun(core: "cooperlake", with: Features(cpuinfo: Self.skylakeX)) == false)
        #expect(BLASRuntime.canRun(core: "Haswell", with: Features(cpuinfo: Self.avxOnly)) == false)
        #expect(BLASRuntime.canRun(core: "Zen", with: Features(cpuinfo: Self.avx2)) == true)
        #expect(BLASRuntime.canRun(core: "Prescott", with: []) == nil)
    }

    @Test(arguments: [
        "Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Barcelona", "Opteron",
        "Opteron_SSE3", "Katmai", "Coppermine", "Northwood", "Banias", "Nano", "Bobcat",
        "Sandybridge", "Bulldozer", "Excavator", "Unknown", "generic", "PRESCOTT",
    ])
    func genericCores(name: String) {
        #expect(BLASRuntime.isGeneric(core: name))
    }

    @Test(arguments: ["Haswell", "Zen", "SkylakeX", "Cooperlake", "cooperlake"])
    func tunedCores(name: String) {
        #expect(!BLASRuntime.isGeneric(core: name))
    }

    @Test func reportsTheLoadedLibrary() {
        #expect(!BLASRuntime.coreName.isEmpty)
        #expect(BLASRuntime.configName.hasPrefix("OpenBLAS"))
        #expect(BLASRuntime.threads >= 1)
        #expect(BLASRuntime.isGenericCore == BLASRuntime.isGeneric(core: BLASRuntime.coreName))
    }

    @Test func setsTheThreadCount() {
        let before = BLASRuntime.threads
        defer { BLASRuntime.setThreads(before) }
        BLASRuntime.setThreads(1)
        #expect(BLASRuntime.threads == 1)
        BLASRuntime.setThreads(0)
        #expect(BLASRuntime.threads == 1, "at least one thread")
    }

    @Test func readsThisMachinesFeatures() {
        #if os(Linux) && arch(x86_64)
            #expect(BLASRuntime.cpuFeatures.contains(.avx) || BLASRuntime.recommendedCore(for: BLASRuntime.cpuFeatures) == nil)
            #expect(!BLASRuntime.cpuinfo.isEmpty)
        #endif
    }
}
