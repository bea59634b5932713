import Foundation
internal import CPoppler

/// Reads PDFs through poppler-glib: text per page in reading order, a box for every word,
/// page sizes and document metadata. Safe to use from several threads on different files.
public enum PDFReader {
    /// Parses `file`. Encrypted files open with the empty user password unless `password` is given.
    public static func read(_ file: SourceFile, password: String? = nil) throws(DocumentError) -> Document {
        let result: Result<Document, DocumentError> = file.bytes.withUnsafeBytes { raw in
            // The GBytes borrows the mapped file; the document is fully read and freed in this scope.
            guard let base = raw.baseAddress, raw.count > 0 else {
                return .failure(.invalidPDF(path: file.path, reason: "the file is empty"))
            }
            let bytes = g_bytes_new_static(base, gsize(raw.count))
            defer { g_bytes_unref(bytes) }
            var error: UnsafeMutablePointer<GError>?
            guard let doc = poppler_document_new_from_bytes(bytes, password, &error) else {
                return .failure(openError(error, path: file.path, passwordGiven: password != nil))
            }
            defer { g_object_unref(UnsafeMutableRawPointer(doc)) }
            return .success(readDocument(doc))
        }
        return try result.get()
    }

    private static func openError(_ error: UnsafeMutablePointer<GError>?, path: String, passwordGiven: Bool) -> DocumentError {
        defer { if error != nil { g_error_free(error) } }
        guard let error else { return .invalidPDF(path: path, reason: "poppler could not open it") }
        if error.pointee.domain == poppler_error_quark(), error.pointee.code == gint(POPPLER_ERROR_ENCRYPTED.rawValue) {
            return passwordGiven ? .wrongPassword(path: path) : .passwordRequired(path: path)
        }
        return .invalidPDF(path: path, reason: String(cString: error.pointee.message))
    }

    private static func readDocument(_ doc: OpaquePointer) -> Document {
        let count = Int(poppler_document_get_n_pages(doc))
        var pages: [Page] = []
        pages.reserveCapacity(count)
        for index in 0..<count {
            guard let page = poppler_document_get_page(doc, gint(index)) else {
                pages.append(Page(number: index + 1, text: ""))
                continue
            }
            pages.append(readPage(page, number: index + 1))
            g_object_unref(UnsafeMutableRawPointer(page))
        }
        return Document(kind: .pdf, pages: pages, metadata: metadata(doc))
    }

    private static func readPage(_ page: OpaquePointer, number: Int) -> Page {
        var width = 0.0, height = 0.0
        poppler_page_get_size(page, &width, &height)
        let text = take(poppler_page_get_text(page)) ?? ""
        var rects: UnsafeMutablePointer<PopplerRectangle>?
        var count: guint = 0
        var words: [WordBox] = []
        if poppler_page_get_text_layout(page, &rects, &count) != 0, let rects {
            words = wordBoxes(text: text, rects: UnsafeBufferPointer(start: rects, count: Int(count)))
            g_free(rects)
        }
        return Page(number: number, text: text, width: width, height: height, words: words)
    }

    /// Groups per-character rectangles into words. Poppler gives one rectangle per code point of
    /// the page text, except for the bidi controls it inserts around right-to-left runs; if a page
    /// still disagrees, its words get no boxes rather than wrong ones.
    static func wordBoxes(text: String, rects: UnsafeBufferPointer<PopplerRectangle>) -> [WordBox] {
        let scalars = Array(text.unicodeScalars)
        let skipsBidi = scalars.count != rects.count
        if skipsBidi, scalars.count(where: { !isBidiControl($0) }) != rects.count { return [] }
        var words: [WordBox] = []
        var start: Int?
        var box = Box(x0: 0, y0: 0, x1: 0, y1: 0)
        var next = 0   // the next rectangle to use
        for (i, scalar) in scalars.enumerated() {
            if skipsBidi, isBidiControl(scalar) { continue }
            let r = rects[next]
            next += 1
            if scalar.properties.isWhitespace {
                if let s = start { words.append(WordBox(start: s, end: i, box: box)); start = nil }
                continue
            }
            let charBox = Box(x0: Float(min(r.x1, r.x2)), y0: Float(min(r.y1, r.y2)),
                              x1: Float(max(r.x1, r.x2)), y1: Float(max(r.y1, r.y2)))
            if start == nil { start = i; box = charBox } else { box = box.union(charBox) }
        }
        if let s = start { words.append(WordBox(start: s, end: scalars.count, box: box)) }
        return words
    }

    private static func isBidiControl(_ s: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(s.value) || (0x2066...0x2069).contains(s.value) || s.value == 0x200E || s.value == 0x200F
    }

    private static func metadata(_ doc: OpaquePointer) -> DocumentMetadata {
        func date(_ t: time_t) -> Date? { t > 0 ? Date(timeIntervalSince1970: TimeInterval(t)) : nil }
        return DocumentMetadata(
            title: take(poppler_document_get_title(doc)),
            author: take(poppler_document_get_author(doc)),
            subject: take(poppler_document_get_subject(doc)),
            keywords: take(poppler_document_get_keywords(doc)),
            creator: take(poppler_document_get_creator(doc)),
            producer: take(poppler_document_get_producer(doc)),
            createdAt: date(poppler_document_get_creation_date(doc)),
            modifiedAt: date(poppler_document_get_modification_date(doc)),
            formatVersion: take(poppler_document_get_pdf_version_string(doc)))
    }

    /// Copies a glib-owned string and frees it; empty strings become nil.
    private static func take(_ s: UnsafeMutablePointer<gchar>?) -> String? {
        guard let s else { return nil }
        defer { g_free(s) }
        let value = String(cString: s).trimmingCharacters(in: .whitespacesAndNewlines)
        return value.isEmpty ? nil : value
    }
}
