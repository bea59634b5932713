import Foundation
import QuarryTestSupport
import Testing

/// Ingests the real PDFs in ../shared/data and checks them against poppler-utils: page counts equal
/// `pdfinfo`'s, and page text has the same characters as `pdftotext`'s apart from whitespace and
/// hyphens. Skips where the data is absent.
@Suite(.serialized) struct SharedDataTests {
    static let data = Paths.sharedData
    static let subfolders = ["kleister-nda-train/documents", "cuad-sample/pdf", "pdf-samples"]
    static let folders = subfolders.map { data.appendingPathComponent($0).path }

    static func tool(_ arguments: [String]) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return p.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }

    static func normalised(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.filter { !$0.properties.isWhitespace && $0 != "-" && $0 != "\u{AD}" }))
    }

    @Test(.enabled(if: Paths.hasSharedData(subfolders), Paths.sharedDataMissing))
    func realPDFsMatchPopplerUtils() throws {
        let dir = try Paths.scratch("cli")
        let db = dir.appendingPathComponent("shared.db").path
        let run = try CLI.run(["ingest"] + Self.folders + ["--db", db, "--json", "--no-embed"])
        #expect(run.status == 3)  // pdf-samples holds images, office files and a password-protected PDF
        let docs = try #require(
            try CLI.run([
                "query", "SELECT id, path, page_count FROM documents WHERE kind = 'pdf' AND status != 'failed'",
                "--db", db, "--format", "json",
            ]).json as? [[String: Any]])
        #expect(docs.count >= 270)
        var pages = 0, equal = 0
        for doc in docs {
            let path = doc["path"] as! String
            let info = try #require(Self.tool(["pdfinfo", path]))
            let expected = info.split(separator: "\n").first { $0.hasPrefix("Pages:") }.flatMap { Int($0.split(separator: " ").last!) }
            #expect(expected == doc["page_count"] as? Int, "\(path)")
            let reference = (Self.tool(["pdftotext", "-enc", "UTF-8", path, "-"]) ?? "").components(separatedBy: "\u{0C}")
            let ours = try #require(
                try CLI.run([
                    "query", "SELECT text FROM pages WHERE document_id = \(doc["id"]!) ORDER BY page_number",
                    "--db", db, "--format", "json",
                ]).json as? [[String: String]])
            for (i, page) in ours.enumerated() where i < reference.count {
                pages += 1
                if Self.normalised(page["text"] ?? "") == Self.normalised(reference[i]) { equal += 1 }
            }
        }
        // Measured: 1,995 of 2,006 pages identical; the rest are right-to-left text, a 180°-rotated page and a form.
        #expect(Double(equal) >= 0.99 * Double(pages), "\(equal) of \(pages) pages agree with pdftotext")

        // The password-protected sample opens with its password; image-only pages are flagged.
        let encrypted = Self.data.appendingPathComponent("pdf-samples/005-libreoffice-writer-password").path
        let opened = try #require(
            try CLI.run(["ingest", encrypted, "--db", db, "--password", "openpassword", "--json", "--no-embed"]).json as? [String: Any])
        #expect(opened["ingested"] as? Int == 1)
        let flagged = try #require(
            try CLI.run(["query", "SELECT count(*) AS n FROM pages WHERE has_text = 0", "--db", db, "--format", "json"]).json as? [[String: Int]])
        #expect((flagged.first?["n"] ?? 0) >= 10)

        // A second ingest changes nothing.
        let again = try #require(try CLI.run(["ingest"] + Self.folders + ["--db", db, "--json", "--no-embed"]).json as? [String: Any])
        #expect(again["ingested"] as? Int == 0)
    }
}
