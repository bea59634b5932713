import Foundation
import QuarryTestSupport
import Testing

/// `quarry tune` and `quarry train` through the command line.
@Suite struct TuneCommandTests {
    static let fixtures = Paths.fixtures
    static let sample = ["receipt-ironbridge-hardware-1.txt", "receipt-maple-and-tide-coffee-1.txt", "receipt-weber-baustoffe-1.txt"]
    static let sroieSchema = fixtures.appendingPathComponent("schemas/sroie.json").path

    /// A scratch folder with a copy of the sample receipts in `docs/`.
    func workspace() throws -> (dir: URL, docs: String, db: String) { try CLI.workspace(copying: Self.sample) }

    @Test(.enabled(if: TestModels.encoderInstalled, TestModels.encoderMissing))
    func tuneReportsTheNewVersionAndModelsListShowsIt() throws {
        let ws = try workspace()
        let tune = try CLI.run([
            "tune", "--schema", Self.sroieSchema, "--table", "receipts", "--steps", "3", "--samples", "4",
            "--held-back", "0.34", ws.docs, "--db", ws.db, "--json",
        ])
        #expect(tune.status == 0, "\(tune.stderr)")
        let report = try #require(tune.json as? [String: Any], "\(tune.stdout)")
        #expect(report["version"] as? String == "receipts-v1" && report["table"] as? String == "receipts")
        #expect(report["method"] as? String == "tao" && report["documents"] as? Int == 3 && report["held_back"] as? Int == 1)
        let before = try #require(report["before"] as? [String: Any]), after = try #require(report["after"] as? [String: Any])
        #expect(before["mean_reward"] is Double && after["mean_reward"] is Double && after["valid_rows"] is Double)
        #expect((report["steps"] as? [[String: Any]])?.count == 3)
        let promoted = try #require(report["promoted"] as? Bool)

        let list = try CLI.run(["models", "list", "--json", "--db", ws.db])
        #expect(list.status == 0, "\(list.stderr)")
        let versions = try #require(list.json as? [[String: Any]], "\(list.stdout)")
        #expect(versions.count == 1)
        let version = try #require(versions.first)
        #expect(version["id"] as? String == "receipts-v1" && version["table"] as? String == "receipts")
        #expect(version["method"] as? String == "tao" && version["base"] is NSNull)
        #expect(version["promoted"] as? Bool == promoted)
        let metrics = try #require(version["metrics"] as? [String: Any])
        #expect(metrics["before"] != nil && metrics["after"] != nil)
    }

    @Test func anUnknownJudgeIsAUsageErrorThatNamesTheJudges() throws {
        let ws = try workspace()
        let tune = try CLI.run(["tune", "--schema", Self.sroieSchema, "--table", "receipts", "--reward", "foo=1", ws.docs, "--db", ws.db])
        #expect(tune.status == 2, "\(tune.stderr)")
        #expect(tune.stderr.contains("foo") && tune.stderr.contains("validity, grounding, topic, consistency"), "\(tune.stderr)")
        let malformed = try CLI.run(["tune", "--schema", Self.sroieSchema, "--table", "receipts", "--reward", "validity", ws.docs, "--db", ws.db])
        #expect(malformed.status == 2 && malformed.stderr.contains("NAME=WEIGHT"), "\(malformed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ws.db), "a refused tune creates no database")
    }

    @Test func trainNeedsGoldAndTuneNeedsDocuments() throws {
        let ws = try workspace()
        let train = try CLI.run(["train", "--schema", Self.sroieSchema, "--table", "receipts", ws.docs, "--db", ws.db])
        #expect(train.status == 2 && train.stderr.contains("--gold"), "\(train.stderr)")
        let nothing = try CLI.run(["tune", "--schema", Self.sroieSchema, "--table", "receipts", "--db", ws.db])
        #expect(nothing.status == 2 && nothing.stderr.contains("--from-usage"), "\(nothing.stderr)")
        let help = try CLI.run(["tune", "--help"])
        #expect(help.status == 0 && help.stdout.contains("Examples:") && help.stdout.contains("--reward"))
    }
}
