import Foundation
import QuarryTestSupport
import Tensors
import Testing

/// `quarry doctor`, and the restart that gets OpenBLAS off a generic core.
@Suite struct DoctorTests {
    /// A clean slate: no core forced, no restart marker, no test hook.
    static let unset: [String: String?] = ["OPENBLAS_CORETYPE": nil, "QUARRY_BLAS_REEXEC": nil, "QUARRY_BLAS_ASSUME_GENERIC": nil]
    /// The OpenBLAS core better than the generic ones that this CPU can run (nil without AVX2).
    static let betterCore = BLASRuntime.recommendedCore(for: BLASRuntime.cpuFeatures)

    func doctor(_ environment: [String: String?]) throws -> (CLI.Result, blas: [String: Any], report: [String: Any]) {
        let result = try CLI.run(["doctor", "--json"], environment: Self.unset.merging(environment) { $1 })
        let report = try #require(result.json as? [String: Any], "\(result.stdout)\n\(result.stderr)")
        let blas = try #require(report["blas"] as? [String: Any])
        #expect(result.status == ((report["problems"] as? [String])?.isEmpty == true ? 0 : 1))
        return (result, blas, report)
    }

    @Test func reportsTheEnvironmentAsJSON() throws {
        let (_, blas, report) = try doctor([:])
        #expect((blas["core"] as? String)?.isEmpty == false)
        #expect(blas["core_source"] as? String == "detected")
        #expect((blas["config"] as? String)?.hasPrefix("OpenBLAS") == true)
        #expect((blas["threads"] as? Int ?? 0) >= 1)
        for key in ["swift", "os", "poppler", "sqlite", "models_root"] { #expect((report[key] as? String)?.isEmpty == false, "\(key)") }
        let models = try #require(report["models"] as? [[String: Any]])
        let encoder = try #require(models.first { $0["name"] as? String == "all-MiniLM-L6-v2" })
        #expect((encoder["files"] as? [[String: Any]])?.count == 4)
        let language = try #require(models.first { $0["name"] as? String == "SmolLM2-135M-Instruct" })
        #expect((language["files"] as? [[String: Any]])?.count == 1)
    }

    @Test func restartsWithTheRecommendedCoreWhenTheCoreIsGeneric() throws {
        let recommended = BLASRuntime.recommendedCore(for: BLASRuntime.cpuFeatures)
        let (_, blas, _) = try doctor(["QUARRY_BLAS_ASSUME_GENERIC": "1"])
        guard let recommended else {
            #expect(blas["core_source"] as? String == "detected", "no AVX2: nothing better to restart with")
            return
        }
        #expect(blas["core_source"] as? String == "reexec")
        #expect(blas["core"] as? String == recommended)
        #expect(blas["recommended_core"] as? String == recommended)
    }

    @Test func restartsAtMostOnce() throws {
        // The restart marker without OPENBLAS_CORETYPE: as if a restart had happened; no second one.
        let (_, blas, _) = try doctor(["QUARRY_BLAS_ASSUME_GENERIC": "1", "QUARRY_BLAS_REEXEC": "1"])
        #expect(blas["core_source"] as? String == "detected")
    }

    @Test(.enabled(if: BLASRuntime.cpuFeatures.isSuperset(of: [.avx2, .fma]), "this CPU lacks AVX2 or FMA: it cannot run the Haswell core"))
    func respectsACoreTheUserSet() throws {
        let (_, blas, _) = try doctor(["OPENBLAS_CORETYPE": "Haswell", "QUARRY_BLAS_ASSUME_GENERIC": "1"])
        #expect(blas["core"] as? String == "Haswell")
        #expect(blas["core_source"] as? String == "user")
        #expect(blas["generic"] as? Bool == false)
    }

    @Test(.enabled(if: betterCore != nil, "no AVX2: no core better than the generic one to recommend instead"))
    func warnsWhenTheUserForcesAGenericCore() throws {
        let better = try #require(Self.betterCore)
        let (result, blas, report) = try doctor(["OPENBLAS_CORETYPE": "Prescott"])
        #expect(blas["core"] as? String == "Prescott" && blas["core_source"] as? String == "user")
        #expect(blas["generic"] as? Bool == true)
        let problems = try #require(report["problems"] as? [String])
        #expect(problems.contains { $0.contains("Prescott") && $0.contains("OPENBLAS_CORETYPE=\(better)") }, "\(problems)")
        #expect(result.status == 1)
        let text = try CLI.run(["doctor"], environment: Self.unset.merging(["OPENBLAS_CORETYPE": "Prescott"]) { $1 })
        #expect(text.status == 1 && text.stdout.contains("blas core:") && text.stdout.contains("set by user"))
    }

    @Test func reportsMissingModelFilesWithTheFix() throws {
        let empty = try Paths.scratch("cli").path
        let (result, _, report) = try doctor(["QUARRY_MODELS": empty])
        let problems = try #require(report["problems"] as? [String])
        #expect(problems.contains { $0.contains("all-MiniLM-L6-v2") && $0.contains("bash scripts/setup.sh") }, "\(problems)")
        #expect(result.status == 1)
        #expect(report["models_root"] as? String == empty)
    }

    @Test func helpExplainsTheCommand() throws {
        let help = try CLI.run(["doctor", "--help"])
        #expect(help.status == 0 && help.stdout.contains("Examples:") && help.stdout.contains("OPENBLAS_CORETYPE"))
    }
}
