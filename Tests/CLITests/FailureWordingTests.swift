import QuarryKit
import Testing

@testable import quarry

/// The command line words the service layer's errors for its users: request fields as flags, and
/// the commands that fix what went wrong.
@Suite struct FailureWordingTests {
    @Test func requestFieldsBecomeFlags() {
        #expect(Failure.message(.invalidOption(name: "model", message: "no such version")) == "--model: no such version")
        #expect(Failure.message(.invalidOption(name: "paths", message: "too few")) == "paths: too few")
        #expect(Failure.message(.assistant(.invalidFilter(name: "document", message: "no document named x"))).hasPrefix("--document: "))
    }

    @Test func storeErrorsNameTheCommandThatFixesThem() {
        let incompatible = Failure.message(.store(.incompatibleTable(name: "invoices", reason: "total changed type")))
        #expect(incompatible.contains("--table invoices_v2") && incompatible.contains("--replace"), "\(incompatible)")
        #expect(Failure.message(.store(.missingDatabase(path: "x.db"))).contains("quarry ingest PATH --db x.db"))
        #expect(Failure.message(.store(.unknownModelVersion(id: "t-v9"))).contains("quarry models list"))
        #expect(Failure.message(.noSuchTable(name: "t", database: "q.db")).contains("quarry extract"))
        // The library's own words name no flag.
        #expect(!StoreError.incompatibleTable(name: "invoices", reason: "r").description.contains("--"))
    }

    @Test func aModelToInstallPointsAtTheSetupScript() {
        let missing = Failure.message(.model(.missing(model: "all-MiniLM-L6-v2", path: "/m")))
        #expect(missing.contains("not installed") && missing.contains("bash scripts/setup.sh"))
        #expect(!Failure.message(.model(.invalidInput("empty batch"))).contains("setup.sh"))
    }
}
