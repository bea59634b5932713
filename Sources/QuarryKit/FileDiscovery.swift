import Foundation

/// Expands the paths a user names into the files to ingest: files as given, folders recursively;
/// hidden files and folders (names starting with a dot) are skipped and symbolic links followed. Paths come back absolute,
/// standardised, de-duplicated and sorted, so runs are deterministic.
public enum FileDiscovery {
    public static func files(in paths: [String]) throws(QuarryError) -> [String] {
        let fm = FileManager.default
        var found = Set<String>()
        for path in paths {
            let url = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory) else { throw .noSuchPath(path) }
            guard isDirectory.boolValue else { found.insert(url.path); continue }
            guard
                let walker = fm.enumerator(
                    at: url, includingPropertiesForKeys: nil,
                    options: [.skipsHiddenFiles])
            else { continue }
            for case let entry as URL in walker {
                // Symbolic links are followed to the file they name.
                let file = entry.resolvingSymlinksInPath()
                var isFolder: ObjCBool = false
                if fm.fileExists(atPath: file.path, isDirectory: &isFolder), !isFolder.boolValue {
                    found.insert(file.standardizedFileURL.path)
                }
            }
        }
        return found.sorted()
    }
}
