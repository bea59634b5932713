internal import CPoppler

extension PDFReader {
    /// The version of the poppler library in use, e.g. `22.12.0`.
    public static var popplerVersion: String { String(cString: poppler_get_version()) }
}
